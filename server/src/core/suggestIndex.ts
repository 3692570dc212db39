import { Trie } from './suggestTrie';

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
  /** The lower-cased form of each sorted name, in the same order. */
  private readonly sortedLower: string[];
  /** Every lower-cased name. */
  private readonly lowers: Set<string>;
  /** The distinct names in the order of their first occurrence (ties of `nearest` keep it). */
  private readonly unique: string[];
  private readonly size: number;
  /** Lower-cased name with `-` and `_` removed → sorted positions. */
  private readonly bySkeleton = new Map<string, number[]>();
  /** The shortest and longest names (lower-cased). */
  private readonly minLength: number;
  private readonly maxLength: number;
  /** The ranks and the trie, built by the first question that may have an answer (`parts`). */
  private partsValue: Parts | undefined = undefined;
  /** Cells of edit distance computed by the last question (for tests of the cost). */
  lastCost = 0;

  constructor(
    names: readonly string[],
    private readonly budget = 1 << 14,
  ) {
    // Duplicates are one candidate (the first occurrence decides the order of ties).
    this.unique = [...new Set(names)];
    const lower = new Map(this.unique.map((n) => [n, n.toLowerCase()]));
    this.sorted = [...this.unique].sort((a, b) => cmp(lower.get(a)!, lower.get(b)!) || cmp(a, b));
    const n = (this.size = this.sorted.length);
    this.sortedLower = this.sorted.map((s) => lower.get(s)!);
    this.lowers = new Set(this.sortedLower);
    for (let i = 0; i < n; i++) {
      const skeleton = this.sortedLower[i].replace(/[_-]/g, '');
      const list = this.bySkeleton.get(skeleton);
      if (list) list.push(i);
      else this.bySkeleton.set(skeleton, [i]);
    }
    let [short, long] = [Infinity, 0];
    for (const l of this.lowers) [short, long] = [Math.min(short, l.length), Math.max(long, l.length)];
    [this.minLength, this.maxLength] = [short, long];
  }

  /**
   * The ranks (`localeCompare` order) and the trie: about 20 ms for 1,000 names in a process that
   * has not run this code yet, which a workspace whose unresolved prerequisites are all ids (none
   * near any name by length, `noneNear`) never needs.
   */
  private get parts(): Parts {
    if (this.partsValue) return this.partsValue;
    // `nearest` sorts its candidates stably with localeCompare; ranking all names the same way
    // once gives every subset the same order.
    const position = new Map(this.sorted.map((name, i) => [name, i]));
    const rank = new Int32Array(this.size);
    [...this.unique].sort(collator().compare).forEach((name, r) => (rank[position.get(name)!] = r));
    return (this.partsValue = {
      rank,
      minTree: buildMinTree(rank),
      ordered: rank.every((r, i) => r === i),
      trie: new Trie(this.sortedLower),
    });
  }

  /**
   * True when no name can be an answer: none has the input's skeleton, none is a prefix of the
   * input or extends it, and all are further from it than `limit` by their length alone (the
   * trie's answer too, but without it: from the sorted lower-cased names).
   */
  private noneNear(lower: string, skeleton: string, limit: number): boolean {
    if (lower.length + limit >= this.minLength && lower.length - limit <= this.maxLength) return false;
    if (this.bySkeleton.has(skeleton)) return false;
    for (let l = this.minLength; l <= Math.min(this.maxLength, lower.length); l++)
      if (this.lowers.has(lower.slice(0, l))) return false;
    // The names that extend the input start at the first one not below it.
    let [lo, hi] = [0, this.size];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sortedLower[mid] < lower) lo = mid + 1;
      else hi = mid;
    }
    return !(lo < this.size && this.sortedLower[lo].startsWith(lower));
  }

  /** What `nearest(input, names, max)` returns. */
  nearest(input: string, max = 3): string[] {
    this.lastCost = 0;
    if (max <= 0 || !this.size) return [];
    const lower = input.toLowerCase();
    const limit = Math.max(1, Math.min(3, Math.floor(input.length / 3)));
    const skeleton = lower.replace(/[_-]/g, '');
    if (this.noneNear(lower, skeleton, limit)) return [];
    const { rank, ordered, trie } = this.parts;
    // Distance 0: the same name but for case and separators.
    const exact = new Set(this.bySkeleton.get(skeleton) ?? []);
    if (exact.size >= max) return this.best([...exact], max);
    // Distance at most 1: names that the input extends (one per prefix of the input at most)...
    const prefixOf = new Set<number>();
    for (const [a, b] of trie.keysAlong(lower)) for (let i = a; i < b; i++) prefixOf.add(i);
    // ...and the names that extend the input: one contiguous range of the sorted names.
    const [from, to] = trie.rangeOf(lower);
    const extending = to - from;
    // No name within the limit's length of the input, and none of the rules above found one: the
    // edit distance cannot either (a live-policy id against policy names, typically).
    if (
      !exact.size &&
      !prefixOf.size &&
      !extending &&
      (lower.length + limit < this.minLength || lower.length - limit > this.maxLength)
    )
      return [];
    // The radius grows until `max` candidates are known: the answer takes the nearest first.
    let within = new Map<number, number>();
    const inRange = (i: number) => i >= from && i < to;
    let fixed = extending;
    for (const i of new Set([...exact, ...prefixOf])) if (!inRange(i)) fixed++;
    for (let radius = 1, count = fixed; radius <= limit; radius++) {
      // From radius 2 on, the names this pass adds all have distance `radius`, and the answer
      // takes the first of them in rank order: when the trie's order is the rank order, the walk
      // stops once it has them. At radius 1 they tie with the names found above (distance 1 as
      // prefixes) and rank decides between them, so the walk stops only after `max` of its own:
      // whatever it would find later ranks below those.
      const stopAfter = ordered ? (radius >= 2 ? max - count : max) : Infinity;
      // Names already scored by the rules above (distance 0 or 1 whatever their edit distance) do
      // not count towards the early stop: `pii-guard-2` is 2 edits from `pii-guard-201`, but 1 as
      // a prefix, and counting it would stop the walk before the real distance-2 names.
      const known = (i: number) => exact.has(i) || prefixOf.has(i) || inRange(i);
      const found = trie.within(lower, radius, this.budget - this.lastCost, stopAfter, known);
      if (trie.cost < 0) {
        // Over budget: the edit-distance rule gives nothing for this question.
        this.lastCost = this.budget;
        within = new Map();
        break;
      }
      this.lastCost += trie.cost;
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
    scored.sort((a, b) => a[0] - b[0] || rank[a[1]] - rank[b[1]]);
    return scored.slice(0, max).map(([, i]) => this.sorted[i]);
  }

  private best(positions: number[], max: number): string[] {
    const { rank } = this.parts;
    return positions
      .sort((a, b) => rank[a] - rank[b])
      .slice(0, max)
      .map((i) => this.sorted[i]);
  }

  /** The sorted positions in [from, to) by rank, lazily: O(log n) each. */
  private *inRankOrder(from: number, to: number): Generator<number> {
    if (from >= to) return;
    const { rank, minTree } = this.parts;
    // A small heap of ranges, each keyed by the position of its minimum.
    const heap: [number, number, number][] = [];
    const push = (l: number, r: number) => {
      if (l >= r) return;
      const m = rangeMin(minTree, rank, this.size, l, r);
      heap.push([m, l, r]);
      for (let i = heap.length - 1; i > 0;) {
        const p = (i - 1) >> 1;
        if (rank[heap[p][0]] <= rank[heap[i][0]]) break;
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
          if (l < heap.length && rank[heap[l][0]] < rank[heap[m][0]]) m = l;
          if (l + 1 < heap.length && rank[heap[l + 1][0]] < rank[heap[m][0]]) m = l + 1;
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

/** What the questions that may have an answer need (`SuggestIndex.parts`). */
interface Parts {
  /** Each sorted position's place in `nearest`'s order of ties (`localeCompare`, stable on `names`). */
  rank: Int32Array;
  /** A tree of range minima of `rank` over sorted positions (the position of the minimum). */
  minTree: Int32Array;
  /** True when the rank order is the sorted order (lower-case ASCII names, typically). */
  ordered: boolean;
  trie: Trie;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * `localeCompare` without arguments is this collator's `compare` (ECMA-402), but builds its
 * collator on every call: sorting 5,000 names with it took 300 ms. Made on first use, not as the
 * module loads: the server's startup snapshot cannot hold an `Intl` object (boot/snapshot.ts).
 */
let shared: Intl.Collator | undefined;
const collator = (): Intl.Collator => (shared ??= new Intl.Collator());

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
