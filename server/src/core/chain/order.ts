import { cyclicComponents } from './cycles';
import { DEFAULT_EVALUATION_ORDER, type ChainPolicy } from './policy';
import { ChainIndex } from './workspace';

/**
 * What ordering needs of a policy. `id` is unique (a live policy's id in the registry, a file URI
 * in the workspace); `prerequisites` are ids of other items, and ids that are not items are
 * ignored (a missing prerequisite orders nothing).
 */
export interface OrderItem {
  id: string;
  name: string;
  evaluationOrder?: number;
  prerequisites: readonly string[];
}

export interface Ordered<T> {
  item: T;
  /** One-based position in evaluation order. */
  position: number;
  /** True when the item is on a prerequisite cycle (its place is then a best effort). */
  inCycle: boolean;
}

type Keyed<T> = { item: T; id: string; name: string; order: number };

function before<T>(a: Keyed<T>, b: Keyed<T>): boolean {
  if (a.order !== b.order) return a.order < b.order;
  if (a.name !== b.name) return a.name < b.name;
  return a.id < b.id;
}

/** A binary min-heap on `before`: the ready policy that goes next. */
class Ready<T> {
  private readonly heap: Keyed<T>[] = [];
  get size(): number {
    return this.heap.length;
  }
  push(x: Keyed<T>): void {
    const h = this.heap;
    h.push(x);
    for (let i = h.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  pop(): Keyed<T> {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

/**
 * `junctions` are ids of items that order others but take no place: each stands for all of its
 * prerequisites at once (the bundles sharing a name that other bundles name), so that k dependents
 * of k bundles cost k + k edges instead of k × k. One goes as soon as it is ready (it sorts first),
 * so the others come in the same order as with an edge to each of its prerequisites.
 */
function orderItems<T extends OrderItem>(
  items: readonly T[],
  junctions: ReadonlySet<string> = new Set(),
): Ordered<T>[] {
  const keyed = new Map<string, Keyed<T>>();
  for (const item of items)
    keyed.set(item.id, {
      item,
      id: item.id,
      name: item.name,
      order: junctions.has(item.id) ? -Infinity : (item.evaluationOrder ?? DEFAULT_EVALUATION_ORDER),
    });
  // Edges run prerequisite → dependent; self-references and unknown ids do not order anything.
  const waitingOn = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  const graph = new Map<string, string[]>();
  const selfLoops = new Set<string>();
  for (const item of keyed.values()) {
    const prereqs = [...new Set(item.item.prerequisites)].filter((p) => {
      if (p === item.id) selfLoops.add(p);
      return p !== item.id && keyed.has(p);
    });
    graph.set(item.id, prereqs);
    waitingOn.set(item.id, prereqs.length);
    for (const p of prereqs) {
      const list = dependents.get(p);
      if (list) list.push(item.id);
      else dependents.set(p, [item.id]);
    }
  }
  const inCycle = new Set<string>(selfLoops);
  for (const component of cyclicComponents(graph)) for (const id of component) inCycle.add(id);

  const ready = new Ready<T>();
  for (const k of keyed.values()) if (waitingOn.get(k.id) === 0) ready.push(k);
  // The policies on cycles, in tiebreak order, for the releases below (each is looked at once).
  const onCycles = new Ready<T>();
  for (const k of keyed.values()) if (inCycle.has(k.id) && !junctions.has(k.id)) onCycles.push(k);
  const all = [...keyed.values()];
  let unplacedFrom = 0;
  const placed = new Set<string>();
  const out: Ordered<T>[] = [];
  while (placed.size < keyed.size) {
    if (!ready.size) {
      // Only cycles (and what waits on them) are left: release the policy on a cycle that the
      // tiebreak puts first, as if its unplaced prerequisites had run, and carry on from there.
      let first: Keyed<T> | undefined;
      while (onCycles.size && !first) {
        const k = onCycles.pop();
        if (!placed.has(k.id)) first = k;
      }
      // Every policy left waits on a cycle, so one of them is on it; the fallback is defensive.
      if (!first) {
        while (placed.has(all[unplacedFrom].id)) unplacedFrom++;
        first = all[unplacedFrom];
      }
      waitingOn.set(first.id, 0);
      ready.push(first);
    }
    const next = ready.pop();
    if (placed.has(next.id)) continue;
    placed.add(next.id);
    if (!junctions.has(next.id))
      out.push({ item: next.item, position: out.length + 1, inCycle: inCycle.has(next.id) });
    for (const d of dependents.get(next.id) ?? []) {
      const left = waitingOn.get(d)! - 1;
      waitingOn.set(d, left);
      if (left === 0 && !placed.has(d)) ready.push(keyed.get(d)!);
    }
  }
  return out;
}

/**
 * The order in which policies are evaluated: prerequisites first, then `evaluationOrder` (default
 * 100) as the stable tiebreaker, then the name (then the id, so the order is total). The one
 * function behind the CLI's table, the editor's lens and the registry's answers. Policies on a
 * cycle still get a place, marked `inCycle`, so a broken chain can be shown rather than refused.
 */
export function evaluationOrder(index: ChainIndex): Ordered<ChainPolicy>[];
export function evaluationOrder<T extends OrderItem>(items: readonly T[]): Ordered<T>[];
export function evaluationOrder<T extends OrderItem>(
  input: ChainIndex | readonly T[],
): Ordered<T>[] | Ordered<ChainPolicy>[] {
  if (!(input instanceof ChainIndex)) return orderItems(input);
  const index = input;
  type Item = OrderItem & { policy?: ChainPolicy };
  // A name several bundles share is a junction that waits for all of them (orderItems).
  const junctions = new Map<string, Item>();
  const junction = (name: string, targets: readonly ChainPolicy[]): string => {
    const id = `\0name:${name}`;
    if (!junctions.has(id)) junctions.set(id, { id, name, prerequisites: targets.map((t) => t.uri) });
    return id;
  };
  const items: Item[] = index.all().map((policy) => {
    const prerequisites: string[] = [];
    for (const r of index.resolutions(policy)) {
      if (r.status === 'workspace')
        prerequisites.push(r.targets.length === 1 ? r.targets[0].uri : junction(r.name, r.targets));
      else if (r.status === 'self') prerequisites.push(policy.uri);
    }
    return {
      id: policy.uri,
      name: policy.name ?? '',
      evaluationOrder: policy.evaluationOrder,
      prerequisites,
      policy,
    };
  });
  return orderItems([...items, ...junctions.values()], new Set(junctions.keys())).map((o) => ({
    item: o.item.policy!,
    position: o.position,
    inCycle: o.inCycle,
  }));
}

/** `1st`, `2nd`, `3rd`, `11th`, `22nd`: how the lens says a position. */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}
