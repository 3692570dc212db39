/**
 * `nearest` over a fixed list of names, asked many times (every prerequisite that names no
 * policy, against every policy name of the workspace). The brute force compares the input with
 * every name, so a workspace of n bundles whose prerequisites all miss costs n² edit distances.
 * This index answers exactly what `nearest(input, names, max)` answers, by looking only where the
 * answer can be:
 *
 * - names equal to the input but for case and `-`/`_` (distance 0): a map lookup;
 * - names that extend the input or that it extends (distance at most 1): the input's node of a
 *   trie of the lower-cased names covers a contiguous range of the sorted names, and a range-minimum
 *   tree yields them in the order the answer wants without visiting the others;
 * - names within the edit-distance limit: a walk of the trie that carries the edit-distance row
 *   down shared prefixes and leaves a subtree as soon as a lower bound (its length range, the
 *   characters it lacks) exceeds the radius. The radius grows 1, 2, 3 and stops as soon as enough
 *   names are found, so a typo of a near-duplicate name visits a handful of nodes.
 *
 * The walk has a budget of edit-distance cells per question: a question that would cost more
 * (a pathological workspace where thousands of names are all almost, but not quite, within the
 * radius) keeps the answers of the first two rules and drops the edit-distance ones, so the cost
 * per question is bounded whatever the names are. Names are lower-cased once, not per question.
 */
export class SuggestIndex {
  /** The names, sorted by their lower-cased form (then as written): trie ranges are slices of it. */
  private readonly sorted: string[];
  /** Each sorted position's place in `nearest`'s order of ties (`localeCompare`, stable on `names`). */
  private readonly rank: Int32Array;
  /** A tree of range minima of `rank` over sorted positions (the position of the minimum). */
  private readonly minTree: Int32Array;
  private readonly size: number;
  /** True when the rank order is the sorted order (lower-case ASCII names, typically). */
  private readonly ordered: boolean;
  /** Lower-cased name with `-` and `_` removed → sorted positions. */
  private readonly bySkeleton = new Map<string, number[]>();
  /** Lower-cased name → the range of sorted positions that spell it so. */
  private readonly byLower = new Map<string, [number, number]>();
  private readonly trie: Trie;
  /** Cells of edit distance computed by the last question (for tests of the cost). */
  lastCost = 0;

  constructor(
    names: readonly string[],
    private readonly budget = 1 << 14,
  ) {
    // Duplicates are one candidate (the first occurrence decides the order of ties).
    const unique = [...new Set(names)];
    const lower = new Map(unique.map((n) => [n, n.toLowerCase()]));
    this.sorted = [...unique].sort((a, b) => cmp(lower.get(a)!, lower.get(b)!) || cmp(a, b));
    const n = (this.size = this.sorted.length);
    // `nearest` sorts its candidates stably with localeCompare; ranking all names the same way
    // once gives every subset the same order.
    const position = new Map(this.sorted.map((name, i) => [name, i]));
    this.rank = new Int32Array(n);
    unique.sort(collator.compare).forEach((name, r) => (this.rank[position.get(name)!] = r));
    this.minTree = buildMinTree(this.rank);
    this.ordered = this.rank.every((r, i) => r === i);
    for (let i = 0; i < n; i++) {
      const l = lower.get(this.sorted[i])!;
      const range = this.byLower.get(l);
      if (range) range[1] = i + 1;
      else this.byLower.set(l, [i, i + 1]);
      const skeleton = l.replace(/[_-]/g, '');
      const list = this.bySkeleton.get(skeleton);
      if (list) list.push(i);
      else this.bySkeleton.set(skeleton, [i]);
    }
    this.trie = new Trie(this.sorted.map((s) => lower.get(s)!));
  }

  /** What `nearest(input, names, max)` returns. */
  nearest(input: string, max = 3): string[] {
    this.lastCost = 0;
    if (max <= 0 || !this.size) return [];
    const lower = input.toLowerCase();
    const limit = Math.max(1, Math.min(3, Math.floor(input.length / 3)));
    // Distance 0: the same name but for case and separators.
    const exact = new Set(this.bySkeleton.get(lower.replace(/[_-]/g, '')) ?? []);
    if (exact.size >= max) return this.best([...exact], max);
    // Distance at most 1: names that the input extends (one per prefix of the input at most)...
    const prefixOf = new Set<number>();
    for (const [a, b] of this.trie.keysAlong(lower)) for (let i = a; i < b; i++) prefixOf.add(i);
    // ...and the names that extend the input: one contiguous range of the sorted names.
    const [from, to] = this.trie.rangeOf(lower);
    const extending = to - from;
    // The radius grows until `max` candidates are known: the answer takes the nearest first.
    let within = new Map<number, number>();
    const inRange = (i: number) => i >= from && i < to;
    let fixed = extending;
    for (const i of new Set([...exact, ...prefixOf])) if (!inRange(i)) fixed++;
    for (let radius = 1, count = fixed; radius <= limit; radius++) {
      // From radius 2 on, the names this pass adds all have distance `radius`, and the answer
      // takes the first of them in rank order: when the trie's order is the rank order, the walk
      // stops once it has them.
      const stopAfter = radius >= 2 && this.ordered ? max - count : Infinity;
      // Names already scored by the rules above (distance 0 or 1 whatever their edit distance) do
      // not count towards the early stop: `pii-guard-2` is 2 edits from `pii-guard-201`, but 1 as
      // a prefix, and counting it would stop the walk before the real distance-2 names.
      const known = (i: number) => exact.has(i) || prefixOf.has(i) || inRange(i);
      const found = this.trie.within(lower, radius, this.budget - this.lastCost, stopAfter, known);
      if (this.trie.cost < 0) {
        // Over budget: the edit-distance rule gives nothing for this question.
        this.lastCost = this.budget;
        within = new Map();
        break;
      }
      this.lastCost += this.trie.cost;
      // The previous pass found every name nearer than `radius`; this one may have stopped early.
      for (const [i, d] of found) within.set(i, d);
      count = fixed;
      for (const i of within.keys()) if (!exact.has(i) && !prefixOf.has(i) && !inRange(i)) count++;
      if (count >= max) break;
    }
    // The candidates outside the extending range, with their distance as `nearest` computes it.
    const distance = (i: number): number =>
      exact.has(i) ? 0 : prefixOf.has(i) || (i >= from && i < to) ? 1 : within.get(i)!;
    const finite = [...new Set([...exact, ...prefixOf, ...within.keys()])].filter((i) => i < from || i >= to);
    const scored: [number, number][] = finite.map((i) => [distance(i), i]);
    // Of the extending range, only the best few by rank can make the answer (the exact ones among
    // them are scored above with distance 0, the rest all have distance 1).
    for (const i of [...exact].filter((i) => i >= from && i < to)) scored.push([0, i]);
    let taken = 0;
    for (const i of this.inRankOrder(from, to)) {
      if (exact.has(i)) continue;
      scored.push([1, i]);
      if (++taken >= max) break;
    }
    scored.sort((a, b) => a[0] - b[0] || this.rank[a[1]] - this.rank[b[1]]);
    return scored.slice(0, max).map(([, i]) => this.sorted[i]);
  }

  private best(positions: number[], max: number): string[] {
    return positions
      .sort((a, b) => this.rank[a] - this.rank[b])
      .slice(0, max)
      .map((i) => this.sorted[i]);
  }

  /** The sorted positions in [from, to) by rank, lazily: O(log n) each. */
  private *inRankOrder(from: number, to: number): Generator<number> {
    if (from >= to) return;
    // A small heap of ranges, each keyed by the position of its minimum.
    const heap: [number, number, number][] = [];
    const push = (l: number, r: number) => {
      if (l >= r) return;
      const m = rangeMin(this.minTree, this.rank, this.size, l, r);
      heap.push([m, l, r]);
      for (let i = heap.length - 1; i > 0;) {
        const p = (i - 1) >> 1;
        if (this.rank[heap[p][0]] <= this.rank[heap[i][0]]) break;
        [heap[i], heap[p]] = [heap[p], heap[i]];
        i = p;
      }
    };
    const pop = (): [number, number, number] => {
      const top = heap[0];
      const last = heap.pop()!;
      if (heap.length) {
        heap[0] = last;
        for (let i = 0; ;) {
          const l = 2 * i + 1;
          let m = i;
          if (l < heap.length && this.rank[heap[l][0]] < this.rank[heap[m][0]]) m = l;
          if (l + 1 < heap.length && this.rank[heap[l + 1][0]] < this.rank[heap[m][0]]) m = l + 1;
          if (m === i) break;
          [heap[i], heap[m]] = [heap[m], heap[i]];
          i = m;
        }
      }
      return top;
    };
    push(from, to);
    while (heap.length) {
      const [m, l, r] = pop();
      yield m;
      push(l, m);
      push(m + 1, r);
    }
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * `localeCompare` without arguments is this collator's `compare` (ECMA-402), but builds its
 * collator on every call: sorting 5,000 names with it took 300 ms.
 */
const collator = new Intl.Collator();

/** A bottom-up segment tree: node k holds the position of the smallest rank below it. */
function buildMinTree(rank: Int32Array): Int32Array {
  const n = rank.length;
  const tree = new Int32Array(2 * n);
  for (let i = 0; i < n; i++) tree[n + i] = i;
  for (let k = n - 1; k > 0; k--) {
    const a = tree[2 * k];
    const b = tree[2 * k + 1];
    tree[k] = rank[a] <= rank[b] ? a : b;
  }
  return tree;
}

function rangeMin(tree: Int32Array, rank: Int32Array, n: number, from: number, to: number): number {
  let best = -1;
  const take = (p: number) => {
    if (best < 0 || rank[p] < rank[best]) best = p;
  };
  for (let l = from + n, r = to + n; l < r; l >>= 1, r >>= 1) {
    if (l & 1) take(tree[l++]);
    if (r & 1) take(tree[--r]);
  }
  return best;
}

/** The bit of a character in a subtree's alphabet mask (a hash: a clear bit proves absence). */
const bit = (code: number): number => 1 << (code & 31);

/**
 * A trie of sorted, lower-cased keys in flat arrays. Node 0 is the root; each node knows its
 * character, its first child and next sibling, the range of sorted positions below it, the
 * lengths of the keys below it and a mask of the characters that follow it.
 */
class Trie {
  private readonly char: Int32Array;
  private readonly child: Int32Array;
  private readonly sibling: Int32Array;
  private readonly from: Int32Array;
  private readonly to: Int32Array;
  private readonly minLen: Int32Array;
  private readonly maxLen: Int32Array;
  private readonly below: Int32Array;
  /** The sorted positions whose key ends at the node: [endFrom, endTo), empty when none. */
  private readonly endFrom: Int32Array;
  private readonly endTo: Int32Array;
  /** Cells computed by the last `within`, or -1 when it ran out of budget. */
  cost = 0;

  constructor(keys: readonly string[]) {
    let capacity = 1;
    for (const k of keys) capacity += k.length;
    this.char = new Int32Array(capacity);
    this.child = new Int32Array(capacity).fill(-1);
    this.sibling = new Int32Array(capacity).fill(-1);
    this.from = new Int32Array(capacity);
    this.to = new Int32Array(capacity);
    this.minLen = new Int32Array(capacity).fill(0x7fffffff);
    this.maxLen = new Int32Array(capacity);
    this.below = new Int32Array(capacity);
    this.endFrom = new Int32Array(capacity);
    this.endTo = new Int32Array(capacity);
    let nodes = 1;
    // Keys arrive sorted, so a new key shares a prefix with the path of the previous one: the
    // path is a stack, and each node's last child is the one being extended.
    const path = [0];
    const lastChild = [-1];
    let prev = '';
    keys.forEach((key, i) => {
      let common = 0;
      while (common < key.length && common < prev.length && key[common] === prev[common]) common++;
      if (key === prev && i > 0) {
        this.endTo[path[key.length]] = i + 1;
      } else {
        path.length = common + 1;
        lastChild.length = common + 1;
        for (let d = common; d < key.length; d++) {
          const node = nodes++;
          this.char[node] = key.charCodeAt(d);
          this.from[node] = i;
          const parent = path[d];
          if (lastChild[d] < 0) this.child[parent] = node;
          else this.sibling[lastChild[d]] = node;
          lastChild[d] = node;
          path.push(node);
          lastChild.push(-1);
        }
        const end = path[key.length];
        this.endFrom[end] = i;
        this.endTo[end] = i + 1;
      }
      let after = 0;
      for (let d = key.length; d >= 0; d--) {
        const node = path[d];
        this.to[node] = i + 1;
        if (key.length < this.minLen[node]) this.minLen[node] = key.length;
        if (key.length > this.maxLen[node]) this.maxLen[node] = key.length;
        this.below[node] |= after;
        if (d > 0) after |= bit(key.charCodeAt(d - 1));
      }
      prev = key;
    });
  }

  /** The range of sorted positions whose key starts with `prefix`. */
  rangeOf(prefix: string): [number, number] {
    let node = 0;
    for (let d = 0; d < prefix.length; d++) {
      const c = prefix.charCodeAt(d);
      let k = this.child[node];
      while (k >= 0 && this.char[k] !== c) k = this.sibling[k];
      if (k < 0) return [0, 0];
      node = k;
    }
    return node === 0 && !this.to[0] ? [0, 0] : [this.from[node], this.to[node]];
  }

  /** The ranges of sorted positions whose key is a prefix of `s` (itself included). */
  keysAlong(s: string): [number, number][] {
    const out: [number, number][] = [];
    let node = 0;
    for (let d = 0; ; d++) {
      if (this.endTo[node] > this.endFrom[node]) out.push([this.endFrom[node], this.endTo[node]]);
      if (d === s.length) return out;
      const c = s.charCodeAt(d);
      let k = this.child[node];
      while (k >= 0 && this.char[k] !== c) k = this.sibling[k];
      if (k < 0) return out;
      node = k;
    }
  }

  /**
   * The sorted positions whose key is within `radius` of `query` (optimal string alignment, as
   * `editDistance`), with the distance, in the order of the keys. Stops after `stopAfter` keys at
   * distance `radius`, or with `cost = -1` past `budget` cells.
   */
  within(
    query: string,
    radius: number,
    budget: number,
    stopAfter = Infinity,
    known: (position: number) => boolean = () => false,
  ): Map<number, number> {
    const out = new Map<number, number>();
    let hits = 0;
    let stopped = false;
    const m = query.length;
    const q = new Int32Array(m);
    const qBit = new Int32Array(m);
    for (let j = 0; j < m; j++) qBit[j] = bit((q[j] = query.charCodeAt(j)));
    const first = new Int32Array(m + 1);
    for (let j = 0; j <= m; j++) first[j] = j;
    const rows: Int32Array[] = [first];
    const missing = new Int32Array(m + 1);
    let cost = 0;
    const { char, child, sibling, minLen, maxLen, below, endFrom, endTo } = this;
    // A lower bound of the distance to any key below `node`, from the rows that reach it: the
    // characters still to match that the subtree lacks, and the lengths it has, cost at least one
    // edit each.
    const lowerBound = (node: number, depth: number): number => {
      const mask = below[node];
      for (let j = m - 1; j >= 0; j--) missing[j] = missing[j + 1] + (mask & qBit[j] ? 0 : 1);
      const short = minLen[node] - depth;
      const long = maxLen[node] - depth;
      const row = rows[depth];
      let best = 0x7fffffff;
      for (let j = 0; j <= m; j++) {
        const left = m - j;
        const gap = left < short ? short - left : left > long ? left - long : 0;
        const v = row[j] + (gap > missing[j] ? gap : missing[j]);
        if (v < best) best = v;
      }
      // A transposition steps from the row above straight to the row below this one.
      if (depth >= 1) {
        const up = rows[depth - 1];
        for (let j = 0; j + 2 <= m; j++) {
          const left = m - j - 1;
          const gap = left < short ? short - left : left > long ? left - long : 0;
          const v = up[j] + 1 + (gap > missing[j + 2] ? gap : missing[j + 2]);
          if (v < best) best = v;
        }
      }
      return best;
    };
    const visit = (node: number, depth: number): boolean => {
      if (lowerBound(node, depth) > radius) return true;
      const row = rows[depth];
      if (endTo[node] > endFrom[node] && row[m] <= radius)
        for (let i = endFrom[node]; i < endTo[node]; i++) {
          out.set(i, row[m]);
          if (row[m] === radius && !known(i) && ++hits >= stopAfter) {
            stopped = true;
            return false;
          }
        }
      const up = depth >= 1 ? rows[depth - 1] : row;
      const next = (rows[depth + 1] ??= new Int32Array(m + 1));
      for (let k = child[node]; k >= 0; k = sibling[k]) {
        cost += m + 1;
        if (cost > budget) return false;
        const c = char[k];
        const low = nextRow(row, next, up, q, c, char[node], depth + 1);
        // Row minima never decrease down a path (a transposition costs no less than the cell it
        // steps over), so a row past the radius ends the walk of this child.
        if (low <= radius && !visit(k, depth + 1)) return false;
      }
      return true;
    };
    const done = visit(0, 0) || stopped;
    this.cost = done ? cost : -1;
    return out;
  }
}

/**
 * The edit-distance row of a trie node's child (character `c`, at `depth`) from its parent's `row`
 * and the row above it (`up`, for transpositions; `prevChar` is the parent's character). Returns
 * the row's minimum.
 */
function nextRow(
  row: Int32Array,
  next: Int32Array,
  up: Int32Array,
  q: Int32Array,
  c: number,
  prevChar: number,
  depth: number,
): number {
  const m = q.length;
  let low = (next[0] = depth);
  for (let j = 1; j <= m; j++) {
    let v = row[j - 1] + (c === q[j - 1] ? 0 : 1);
    if (row[j] + 1 < v) v = row[j] + 1;
    if (next[j - 1] + 1 < v) v = next[j - 1] + 1;
    if (depth > 1 && j > 1 && c === q[j - 2] && prevChar === q[j - 1] && up[j - 2] + 1 < v) v = up[j - 2] + 1;
    next[j] = v;
    if (v < low) low = v;
  }
  return low;
}
