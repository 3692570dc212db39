// The "did you mean" index answers exactly what the brute-force `nearest` answers, and its cost per
// question does not grow with the number of names (the brute force compares every name).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { nearest, SuggestIndex } from '../../server/src/core/index';
import { editDistance, editDistanceWithin } from '../../server/src/core/suggest';

// A small alphabet makes near misses, shared prefixes, transpositions and separator-only
// differences common; the capitals and the accented letter exercise case folding and the order.
const char = fc.constantFrom('a', 'b', 'c', 'A', 'B', '-', '_', '1', '2', 'é', 'É');
const word = fc.array(char, { maxLength: 10 }).map((a) => a.join(''));
/** Names built like a real workspace's: one stem, a separator, a number. */
const numbered = fc
  .tuple(
    fc.constantFrom('policy', 'pii-guard', 'cost_cap', 'Policy'),
    fc.constantFrom('-', '_', ''),
    fc.nat(300),
  )
  .map(([stem, sep, n]) => `${stem}${sep}${n}`);

/** The property: for any names and questions, the index answers what the brute force answers. */
function agreesWithNearest(names: string[], questions: string[], max: number): void {
  const index = new SuggestIndex(names);
  const candidates = [...new Set(names)];
  for (const q of questions) assert.deepEqual(index.nearest(q, max), nearest(q, candidates, max), q);
}

describe('suggestion index', () => {
  it('gives what nearest gives, on any names and questions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(word, numbered), { maxLength: 60 }),
        fc.array(fc.oneof(word, numbered), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        agreesWithNearest,
      ),
      { numRuns: 1500 },
    );
  });

  it('does not let a prefix match stop the search for names at the real distance', () => {
    // Found by the property above: `pii-guard-2` is two edits from the question but scores 1 as
    // a prefix; counted as a distance-2 hit, it ended the walk before `pii-guard200`.
    const names = ['pii-guard200', 'pii-guard0', 'pii-guard-2'];
    assert.deepEqual(new SuggestIndex(names).nearest('pii-guard-201', 2), nearest('pii-guard-201', names, 2));
    assert.deepEqual(new SuggestIndex(names).nearest('pii-guard-201', 2), ['pii-guard-2', 'pii-guard200']);
  });

  it('gives what nearest gives when the names sort as they rank (lower-case ASCII)', () => {
    // Names whose code-unit order is their localeCompare order take the walk's early stop.
    const ascii = fc
      .array(fc.constantFrom('a', 'b', 'c', '-', '1', '2'), { maxLength: 9 })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(
        fc.array(ascii, { maxLength: 80 }),
        fc.array(ascii, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        agreesWithNearest,
      ),
      { numRuns: 1500 },
    );
  });

  it('gives what nearest gives for typos of near-duplicate names', () => {
    const names = Array.from({ length: 600 }, (_, i) => `policy-${String(i + 1).padStart(4, '0')}`);
    const index = new SuggestIndex(names);
    const typos = fc
      .tuple(fc.nat(599), fc.nat(11), fc.constantFrom('', 'x', '0', '-'), fc.boolean())
      .map(([i, at, insert, drop]) => {
        const n = names[i];
        return n.slice(0, at) + insert + n.slice(drop ? at + 1 : at);
      });
    fc.assert(
      fc.property(typos, (q) => assert.deepEqual(index.nearest(q), nearest(q, names), q)),
      { numRuns: 400 },
    );
  });

  it('gives what nearest gives for ids far shorter or longer than every name', () => {
    // Answered before any edit distance (the lengths rule every name out), and asked again by
    // many files: both must still agree with the brute force.
    const names = Array.from(
      { length: 300 },
      (_, i) => `${['platform', 'data', 'ml'][i % 3]} unresolved ${i}`,
    );
    const index = new SuggestIndex(names);
    const ids = fc.oneof(
      fc.nat(99999).map((n) => `pol-${String(n).padStart(5, '0')}`),
      fc.constantFrom('3f0c6a52-8d1e-4b7a-9c11-2f5d0e7a9b44', 'ml', 'data', 'platform unresolved 1x', 'x'),
    );
    fc.assert(
      fc.property(ids, (q) => assert.deepEqual(index.nearest(q), nearest(q, names), q)),
      { numRuns: 400 },
    );
  });

  it('gives what nearest gives where the lengths leave only prefixes, extensions and separators', () => {
    // The questions the index answers before building its trie and ranks (`noneNear`): far shorter
    // or longer than every name, yet a name may extend the question, be a prefix of it, or differ
    // from it only by case and separators.
    const names = fc.array(numbered, { minLength: 1, maxLength: 40 });
    const question = (ns: string[]) =>
      fc.oneof(
        fc.tuple(fc.constantFrom(...ns), fc.integer({ min: 0, max: 2 })).map(([n, k]) => n.slice(0, k)),
        fc
          .tuple(fc.constantFrom(...ns), fc.array(char, { minLength: 8, maxLength: 14 }))
          .map(([n, tail]) => n.toUpperCase() + tail.join('')),
        fc.constantFrom(...ns).map((n) => n.replace(/[-_]/g, '').toUpperCase()),
        fc.constantFrom('3f0c6a52-8d1e-4b7a-9c11-2f5d0e7a9b44', 'p', '', 'policy-policy-policy-policy-1'),
      );
    fc.assert(
      fc.property(
        names.chain((ns) =>
          fc.tuple(fc.constant(ns), fc.array(question(ns), { minLength: 1, maxLength: 8 })),
        ),
        fc.integer({ min: 1, max: 5 }),
        ([ns, qs], max) => agreesWithNearest(ns, qs, max),
      ),
      { numRuns: 800 },
    );
  });

  it('costs the same per question with 500 or 8,000 near-duplicate names', () => {
    const cost = (n: number): number => {
      const names = Array.from({ length: n }, (_, i) => `policy-${String(i + 1).padStart(5, '0')}`);
      const index = new SuggestIndex(names);
      let worst = 0;
      for (const q of ['pol-00042', 'policy-00042x', 'polcy-00042', 'policy-0042', '3f0c6a52-8d1e']) {
        index.nearest(q);
        worst = Math.max(worst, index.lastCost);
      }
      return worst;
    };
    const small = cost(500);
    const large = cost(8000);
    // The brute force computes (names × length²) cells per question: 8,000 × 13² ≈ 1.4 million.
    assert.ok(large <= 1 << 14, `cells per question: ${large}`);
    assert.ok(large <= 3 * small, `500 names: ${small} cells, 8,000 names: ${large} cells`);
  });
});

/**
 * `nearest` as first written: every candidate measured, then filtered. The shipped one skips the
 * measure where the lengths alone rule a candidate out, and must answer the same.
 */
function nearestMeasuringAll(input: string, candidates: readonly string[], max: number): string[] {
  const lower = input.toLowerCase();
  const limit = Math.max(1, Math.min(3, Math.floor(input.length / 3)));
  return candidates
    .map((c) => {
      const cl = c.toLowerCase();
      let d = distanceByTable(lower, cl);
      if (cl.replace(/[_-]/g, '') === lower.replace(/[_-]/g, '')) d = 0;
      else if (cl.startsWith(lower) || lower.startsWith(cl)) d = Math.min(d, 1);
      return { c, d };
    })
    .filter((x) => x.d <= limit)
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, max)
    .map((x) => x.c);
}

/**
 * The optimal string alignment distance as the textbook fills its table, a whole row at a time: what
 * the shipped `editDistance`, which reuses three rows and stops past a limit, must agree with.
 */
function distanceByTable(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i ? (j ? 0 : i) : j)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

describe('editDistance', () => {
  it('is the distance of the whole table, and within a limit the distance or the limit plus one', () => {
    // Longer words than the rows it starts with (32), so that the rows grow during the run.
    const longWord = fc.array(char, { maxLength: 40 }).map((a) => a.join(''));
    let stopped = 0;
    fc.assert(
      fc.property(fc.oneof(word, longWord), fc.oneof(word, longWord), fc.nat(6), (a, b, limit) => {
        const d = distanceByTable(a, b);
        assert.equal(editDistance(a, b), d, `${a} / ${b}`);
        assert.equal(editDistanceWithin(a, b, limit), Math.min(d, limit + 1), `${a} / ${b} within ${limit}`);
        if (d > limit) stopped++;
      }),
      { numRuns: 3000 },
    );
    assert.ok(stopped > 0, 'some pairs are past their limit');
  });
});

describe('nearest', () => {
  it('answers what measuring every candidate answers', () => {
    // Long words too, so that lengths differ by more than the limit; the dotted capital I grows
    // when lower-cased.
    const long = fc.array(fc.constantFrom('a', 'b', '-', '_', 'İ', 'policy', 'Type'), { maxLength: 8 });
    const text = fc.oneof(
      word,
      numbered,
      long.map((a) => a.join('')),
    );
    let kept = 0;
    fc.assert(
      fc.property(
        fc.array(text, { maxLength: 40 }),
        text,
        fc.integer({ min: 1, max: 5 }),
        (names, q, max) => {
          const answer = nearest(q, names, max);
          kept += answer.length;
          assert.deepEqual(answer, nearestMeasuringAll(q, names, max), q);
        },
      ),
      { numRuns: 3000 },
    );
    assert.ok(kept > 0, 'some questions have an answer');
  });
});
