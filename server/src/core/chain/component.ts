import type { Graph } from './cycles';

/**
 * A strongly connected component of a prerequisite graph, numbered once for the searches of its
 * breadcrumbs: every entry on a cycle searches for its way back, so the search runs on arrays
 * (members by number, the entries between members in their declared order) and marks what it
 * reached with a stamp instead of building a map per search.
 */
export interface NumberedComponent {
  names: string[];
  number: Map<string, number>;
  /** The entries of member i inside the component: `inside[first[i]]` … `inside[first[i + 1] - 1]`. */
  first: Int32Array;
  inside: Int32Array;
  /** Per member, the stamp of the last search that reached it, and where that search came from. */
  reached: Int32Array;
  cameFrom: Int32Array;
  queue: Int32Array;
  stamp: number;
}

/** Per graph, per component (a component's Set is made with its graph: chain/findings.ts). */
const numberedCache = new WeakMap<Graph, WeakMap<ReadonlySet<string>, NumberedComponent>>();

export function numbered(graph: Graph, members: ReadonlySet<string>): NumberedComponent {
  let byMembers = numberedCache.get(graph);
  if (!byMembers) numberedCache.set(graph, (byMembers = new WeakMap()));
  const cached = byMembers.get(members);
  if (cached) return cached;
  const names = [...members];
  const number = new Map<string, number>();
  for (let i = 0; i < names.length; i++) number.set(names[i], i);
  const first = new Int32Array(names.length + 1);
  const inside: number[] = [];
  for (let i = 0; i < names.length; i++) {
    first[i] = inside.length;
    for (const p of graph.get(names[i]) ?? []) {
      const j = number.get(p);
      if (j !== undefined) inside.push(j);
    }
  }
  first[names.length] = inside.length;
  const n = names.length;
  const c: NumberedComponent = {
    names,
    number,
    first,
    inside: Int32Array.from(inside),
    reached: new Int32Array(n),
    cameFrom: new Int32Array(n),
    queue: new Int32Array(n),
    stamp: 0,
  };
  byMembers.set(members, c);
  return c;
}

/**
 * The shortest way back of the entry `from → to` inside the component, as the cycle
 * `[from, to, …, from]` (breadth first, prerequisites in the order they are declared), or
 * undefined when the search reads more than `limit.entries` entries or goes `limit.steps` steps
 * from `to`. The bound is on entries read, not names reached: where every policy names twenty
 * others, a search that reaches a thousand names has read twenty thousand entries, and each entry
 * of such a component runs one.
 */
export function shortestWayBack(
  c: NumberedComponent,
  from: string,
  to: string,
  limit: { entries: number; steps: number },
): string[] | undefined {
  const f = c.number.get(from);
  const t = c.number.get(to);
  if (f === undefined || t === undefined) return undefined;
  if (f === t) return [from, from];
  if (c.stamp === 0x7fffffff) {
    c.reached.fill(0);
    c.stamp = 0;
  }
  const stamp = ++c.stamp;
  const { first, inside, reached, cameFrom, queue } = c;
  reached[t] = stamp;
  queue[0] = t;
  let tail = 1;
  // The queue holds one distance after another: `levelEnd` is where the current one ends.
  let levelEnd = 1;
  let steps = 0;
  let read = 0;
  for (let head = 0; head < tail; head++) {
    if (head === levelEnd) {
      levelEnd = tail;
      if (++steps >= limit.steps) return undefined;
    }
    const n = queue[head];
    for (let e = first[n]; e < first[n + 1]; e++) {
      if (++read > limit.entries) return undefined;
      const m = inside[e];
      if (reached[m] === stamp) continue;
      reached[m] = stamp;
      cameFrom[m] = n;
      if (m === f) {
        const back: string[] = [from];
        for (let cur = n; cur !== t; cur = cameFrom[cur]) back.push(c.names[cur]);
        back.push(to);
        return [from, ...back.reverse()];
      }
      queue[tail++] = m;
    }
  }
  return undefined;
}
