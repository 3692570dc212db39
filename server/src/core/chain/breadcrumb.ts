import { numbered, shortestWayBack } from './component';
import { formatCycle, type Graph } from './cycles';

/**
 * The breadcrumb of a cycle finding: the cycle that one prerequisite entry (`from → to`) closes,
 * read from the entry's own policy. Every entry on a cycle, in every file, gets one, so its cost
 * and its length must not grow with the cycle: in a cycle through 5,000 policies, breadcrumbs
 * that named the whole way back cost lint 26 s, 2.7 GB and a 347 MB report (issue 14).
 *
 * - The way back is the shortest one while a bounded search finds it (`SEARCH`); a cycle a person
 *   wrote is found so, as before.
 * - Past the bound, the way back goes through one policy of the cycle chosen once for all its
 *   entries (`WaysBack`): from `to` the shortest way to it, then from it the shortest way to `from`.
 *   Two searches per cycle instead of one per entry, and each entry reads only the names it shows.
 * - A long breadcrumb names its first `HEAD` and last `TAIL` policies and counts the ones between.
 */
export interface Breadcrumb {
  /** `[from, to, …]`; the whole cycle `[from, to, …, from]` when nothing is left out. */
  head: string[];
  /** How many policies of the way back are not named between `head` and `tail`. */
  skipped: number;
  /** The last policies of the way back, ending with `from`; empty when nothing is left out. */
  tail: string[];
}

/** How far the search for the shortest way back goes (entries read, steps from `to`). */
const SEARCH = { entries: 256, steps: 32 };
/** A breadcrumb longer than HEAD + TAIL names shows the first HEAD and the last TAIL of them. */
const HEAD = 14;
const TAIL = 4;

/**
 * The cycle that the edge `from → to` closes inside `members`, its strongly connected component.
 * `search` bounds the search for the shortest way back (the tests make it small).
 */
export function cycleThroughEdge(
  graph: Graph,
  from: string,
  to: string,
  members: ReadonlySet<string>,
  search = SEARCH,
): Breadcrumb | undefined {
  if (!members.has(from) || !members.has(to)) return undefined;
  // In a component that is one ring, the way back is the rest of the ring: the bounded search
  // cannot find it when the ring is longer than its bound, so it is not run (a ring of 5,000
  // policies spent 30 steps per entry on it, 2 % of opening them all in the editor).
  const found =
    members.size - 1 > search.steps && isOneRing(graph, members)
      ? undefined
      : shortestWayBack(numbered(graph, members), from, to, search);
  return found ? shortened(found) : throughRoot(waysBack(graph, members), from, to);
}

/** Per graph, per component: whether each member names exactly one other member (one ring). */
const ringCache = new WeakMap<Graph, WeakMap<ReadonlySet<string>, boolean>>();

function isOneRing(graph: Graph, members: ReadonlySet<string>): boolean {
  let byMembers = ringCache.get(graph);
  if (!byMembers) ringCache.set(graph, (byMembers = new WeakMap()));
  let ring = byMembers.get(members);
  if (ring === undefined) {
    ring = true;
    for (const m of members) {
      const inside = new Set((graph.get(m) ?? []).filter((p) => members.has(p)));
      if (inside.size !== 1) {
        ring = false;
        break;
      }
    }
    byMembers.set(members, ring);
  }
  return ring;
}

/** `cycle: A → B → C → A`, or with the middle of a long one counted: `A → B → … 120 more … → A`. */
export function formatBreadcrumb(b: Breadcrumb): string {
  if (!b.skipped) return formatCycle(b.head);
  return `cycle: ${b.head.join(' → ')} → … ${b.skipped.toLocaleString('en-US')} more … → ${b.tail.join(' → ')}`;
}

function shortened(path: string[]): Breadcrumb {
  if (path.length <= HEAD + TAIL) return { head: path, skipped: 0, tail: [] };
  return {
    head: path.slice(0, HEAD),
    skipped: path.length - HEAD - TAIL,
    tail: path.slice(path.length - TAIL),
  };
}

/** A breadth-first tree of a component: each member's parent and depth, and its span in a walk. */
interface Tree {
  parent: Map<string, string>;
  steps: Map<string, number>;
  /** Where the member's subtree starts and ends in a depth-first walk (ancestry in O(1)). */
  enter: Map<string, number>;
  leave: Map<string, number>;
}

/** Whether `a` is on the way from `b` up to the tree's root (`b` itself included). */
function above(t: Tree, a: string, b: string): boolean {
  return t.enter.get(a)! <= t.enter.get(b)! && t.leave.get(b)! <= t.leave.get(a)!;
}

/** Shortest ways to and from one policy of a strongly connected component (breadth first). */
interface WaysBack {
  root: string;
  /** Toward the root: each member's parent is the next policy on a shortest way to it. */
  toward: Tree;
  /** From the root: each member's parent is the policy before it on a shortest way from it. */
  away: Tree;
}

/** Per graph, per component (a component's Set is made with its graph: chain/findings.ts). */
const waysCache = new WeakMap<Graph, WeakMap<ReadonlySet<string>, WaysBack>>();

function waysBack(graph: Graph, members: ReadonlySet<string>): WaysBack {
  let byMembers = waysCache.get(graph);
  if (!byMembers) waysCache.set(graph, (byMembers = new WeakMap()));
  const cached = byMembers.get(members);
  if (cached) return cached;
  const root = members.values().next().value as string;
  const named = new Map<string, string[]>();
  for (const m of members)
    for (const p of graph.get(m) ?? []) {
      if (!members.has(p)) continue;
      const list = named.get(p);
      if (list) list.push(m);
      else named.set(p, [m]);
    }
  const ways = {
    root,
    toward: search(root, (n) => named.get(n) ?? []),
    away: search(root, (n) => (graph.get(n) ?? []).filter((p) => members.has(p))),
  };
  byMembers.set(members, ways);
  return ways;
}

/** Breadth-first search from `start`: each reached node's parent and distance, and its span. */
function search(start: string, next: (n: string) => readonly string[]): Tree {
  const parent = new Map<string, string>();
  const steps = new Map<string, number>([[start, 0]]);
  const children = new Map<string, string[]>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const n = queue[head];
    for (const m of next(n)) {
      if (steps.has(m)) continue;
      steps.set(m, steps.get(n)! + 1);
      parent.set(m, n);
      const list = children.get(n);
      if (list) list.push(m);
      else children.set(n, [m]);
      queue.push(m);
    }
  }
  // Depth first over the tree, without recursion (a tree may be thousands deep).
  const enter = new Map<string, number>();
  const leave = new Map<string, number>();
  let clock = 0;
  const stack: [string, number][] = [[start, 0]];
  enter.set(start, clock++);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const kids = children.get(top[0]) ?? [];
    if (top[1] < kids.length) {
      const child = kids[top[1]++];
      enter.set(child, clock++);
      stack.push([child, 0]);
    } else {
      leave.set(top[0], clock++);
      stack.pop();
    }
  }
  return { parent, steps, enter, leave };
}

/**
 * The way back `to ⇝ root ⇝ from`, naming only what the breadcrumb shows: the start of the way to
 * the root and the end of the way from it, `HEAD + TAIL` names in all (more of one end when the
 * other is short). When the way to the root passes `from`, or the way from it passes `to`, the
 * cycle is that part alone. Where the two meet elsewhere, or when nothing lies between them, the
 * way is named whole. Otherwise the count is of this way, which may pass a policy twice in the
 * part not shown (the search for the shortest gave up).
 */
function throughRoot(w: WaysBack, from: string, to: string): Breadcrumb | undefined {
  const toRoot = w.toward.steps.get(to);
  const fromRoot = w.away.steps.get(from);
  if (toRoot === undefined || fromRoot === undefined) return undefined;
  const shown = HEAD + TAIL;
  // `from`, then `to` and up the tree toward the root until `from` comes back.
  if (above(w.toward, from, to)) {
    const names = toRoot - w.toward.steps.get(from)! + 2;
    const head = [from, to];
    for (let n = to; head.length < Math.min(names - 1, shown - 1);) head.push((n = w.toward.parent.get(n)!));
    return names <= shown
      ? simple([...head, from])
      : { head, skipped: names - head.length - 1, tail: [from] };
  }
  // `from`, `to`, then down the tree from the root to `from` (read up from `from`).
  if (above(w.away, to, from)) {
    const names = fromRoot - w.away.steps.get(to)! + 2;
    const tail = [from];
    for (let n = from; tail.length < Math.min(names - 2, shown - 2);)
      tail.unshift((n = w.away.parent.get(n)!));
    return names <= shown
      ? simple([from, to, ...tail])
      : { head: [from, to], skipped: names - 2 - tail.length, tail };
  }
  // `[from, to, …, root]` and `[root, …, from]`: the way is both, the root once.
  const headNames = toRoot + 2;
  const tailNames = fromRoot + 1;
  const h = Math.min(headNames, shown - Math.min(tailNames, TAIL));
  const t = Math.min(tailNames, shown - h);
  const head = [from, to];
  for (let n = to; head.length < h;) head.push((n = w.toward.parent.get(n)!));
  const tail = [from];
  for (let n = from; tail.length < t;) tail.unshift((n = w.away.parent.get(n)!));
  const at = new Map(head.map((n, i) => [n, i]));
  for (let i = tail.length - 2; i >= 0; i--) {
    const j = at.get(tail[i]);
    if (j !== undefined && j > 0) return simple([...head.slice(0, j), ...tail.slice(i)]);
  }
  const skipped = headNames + tailNames - 1 - head.length - tail.length;
  return skipped > 0 ? { head, skipped, tail } : simple([...head, ...tail]);
}

/**
 * A closed way `[from, to, …, from]` with its inner loops cut out, so that no policy is named twice:
 * the entry's own step (`from → to`) stays, and the way ends where it first comes back to `from`.
 */
function simple(way: readonly string[]): Breadcrumb {
  const from = way[0];
  const out = [from];
  const at = new Map([[from, 0]]);
  for (let i = 1; i < way.length - 1; i++) {
    const n = way[i];
    if (n === from) break;
    const seen = at.get(n);
    if (seen !== undefined) {
      // The way went round from `n` back to `n`: drop that loop.
      for (const dropped of out.splice(seen + 1)) at.delete(dropped);
      continue;
    }
    at.set(n, out.length);
    out.push(n);
  }
  out.push(from);
  return shortened(out);
}
