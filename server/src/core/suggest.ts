/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const m = a.length;
  const n = b.length;
  if (!m) return n;
  if (!n) return m;
  let prev2: number[] = [];
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur.push(v);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n];
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
    if (cl.replace(SEPARATORS, '') === bare) d = 0;
    else {
      const prefix = cl.startsWith(lower) || lower.startsWith(cl);
      // The distance is at least the difference of the lengths: past the limit, only a prefix
      // keeps a candidate, and it is not measured (most candidates of a "did you mean" stop here).
      if (Math.abs(cl.length - lower.length) > limit) {
        if (!prefix) continue;
        d = 1;
      } else {
        d = editDistance(lower, cl);
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

export function didYouMean(input: string, candidates: readonly string[]): string {
  const near = nearest(input, candidates, 1);
  return near.length ? `; did you mean "${near[0]}"?` : '';
}
