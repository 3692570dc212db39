/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  return editDistanceWithin(a, b, Math.max(a.length, b.length));
}

/** The three rows `editDistanceWithin` works in, grown as longer words come. */
let rows = [new Int32Array(32), new Int32Array(32), new Int32Array(32)];

/**
 * `editDistance(a, b)` when it is at most `limit`, else `limit + 1`: it stops as soon as a whole row
 * of the table is past the limit (no alignment can come back under it). It allocates nothing, which
 * matters to a "did you mean" asked for each of thousands of unknown keys: the arrays of each call
 * were most of the work, and the garbage collector's.
 */
export function editDistanceWithin(a: string, b: string, limit: number): number {
  if (a === b) return 0;
  const m = a.length;
  const n = b.length;
  if (!m || !n) return Math.min(m + n, limit + 1);
  if (rows[0].length <= n) rows = [0, 1, 2].map(() => new Int32Array(2 * n + 2));
  let [prev2, prev, cur] = rows;
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    let best = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const bj = b.charCodeAt(j - 1);
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj)
        v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < best) best = v;
    }
    if (best > limit) return limit + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return Math.min(prev[n], limit + 1);
}

/**
 * The candidates close enough to `input` to be what the user meant, nearest first. "Close" grows
 * with the length of the word, so `polcyType` finds `policyType` but `x` does not find `ssn`.
 */
export function nearest(input: string, candidates: readonly string[], max = 3): string[] {
  const lower = input.toLowerCase();
  const bare = lower.replace(SEPARATORS, '');
  const limit = Math.max(1, Math.min(3, Math.floor(input.length / 3)));
  const near: { c: string; d: number }[] = [];
  for (const c of candidates) {
    const cl = c.toLowerCase();
    let d: number;
    // A value that only differs by separators or case (`log-only`, `LogOnly`) is as good as exact.
    if (sameSkeleton(cl, bare)) d = 0;
    else {
      const prefix = cl.startsWith(lower) || lower.startsWith(cl);
      // The distance is at least the difference of the lengths: past the limit, only a prefix
      // keeps a candidate, and it is not measured (most candidates of a "did you mean" stop here).
      if (Math.abs(cl.length - lower.length) > limit) {
        if (!prefix) continue;
        d = 1;
      } else {
        d = editDistanceWithin(lower, cl, limit);
        if (prefix) d = Math.min(d, 1);
      }
    }
    if (d <= limit) near.push({ c, d });
  }
  return near
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, max)
    .map((x) => x.c);
}

const SEPARATORS = /[_-]/g;

/** `word.replace(SEPARATORS, '') === bare`, without making the string (asked of every candidate). */
function sameSkeleton(word: string, bare: string): boolean {
  let k = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c === 95 /* _ */ || c === 45 /* - */) continue;
    if (k >= bare.length || bare.charCodeAt(k++) !== c) return false;
  }
  return k === bare.length;
}

export function didYouMean(input: string, candidates: readonly string[]): string {
  const near = nearest(input, candidates, 1);
  return near.length ? `; did you mean "${near[0]}"?` : '';
}
