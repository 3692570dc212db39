/**
 * The trie behind `SuggestIndex`: sorted, lower-cased names in flat arrays, walked with an
 * edit-distance row carried down shared prefixes. Kept apart from the index so that each file
 * holds one idea (the index's rules of answer, and the search structure they run on).
 */

/** The bit of a character in a subtree's alphabet mask (a hash: a clear bit proves absence). */
const bit = (code: number): number => 1 << (code & 31);

/**
 * A trie of sorted, lower-cased keys in flat arrays. Node 0 is the root; each node knows its
 * character, its first child and next sibling, the range of sorted positions below it, the
 * lengths of the keys below it and a mask of the characters that follow it.
 */
export class Trie {
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
