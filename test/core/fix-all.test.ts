// Fix-all's text edits (core/assist/fixAll.ts): applying the chosen edits in one pass must give
// what applying them one at a time gives, and its cost must not grow with edits × text; nor must
// the cost of the quick-fixes of a whole file (what an editor asks for a selection of everything).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rng } from '../../bench/corpus';
import { counting } from '../support/counting';
import { analyze, applyEdits, fixAll, suppressionFixer, type TextEdit } from '../../server/src/core/index';

/** The reference: each edit applied to the result of the ones before, last first. */
function oneAtATime(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start || b.end - a.end))
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

describe('applyEdits', () => {
  it('gives what one edit at a time gives, for 2,000 random sets of edits', () => {
    const next = rng(14);
    const text = 'name: guard\npolicyType: expression\nprerequisites: [a, b, c]\n';
    let overlapping = 0;
    for (let run = 0; run < 2_000; run++) {
      const edits: TextEdit[] = [];
      // Inserts, deletions and replacements; touching, at one point, and (in some sets) overlapping.
      for (let k = 1 + Math.floor(next() * 6); k > 0; k--) {
        const start = Math.floor(next() * (text.length + 1));
        const end = Math.min(text.length, start + Math.floor(next() * 4 * Number(next() < 0.6)));
        edits.push({ start, end, newText: ['', 'X', 'yy', '\n'][Math.floor(next() * 4)] });
      }
      const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
      if (sorted.some((e, i) => i > 0 && e.start < sorted[i - 1].end)) overlapping++;
      assert.equal(applyEdits(text, edits), oneAtATime(text, edits), JSON.stringify(edits));
    }
    // Both paths were taken.
    assert.ok(overlapping > 100 && overlapping < 1_900, `${overlapping} sets with overlaps`);
  });

  it('copies the text once per round of fix-all, not once per edit', () => {
    // 5,000 numbers where strings are wanted: fix-all quotes the first 1,000 of each round (the
    // findings are capped), five rounds. One string per edit, each a copy of the whole 49 KB text,
    // made 16.5 s of a fix-all on a 590 KB file.
    const n = 5_000;
    const text = `name: x\npolicyType: expression\nenforcementMode: block\nruleDefinition:\n  expression: "true"\nappliesToAgents:\n${Array.from({ length: n }, (_, i) => `  - ${i}\n`).join('')}`;
    const findingsOf = (t: string) => analyze(t, { fileName: 'policy.yaml' }).findings;
    let copied = 0;
    const result = counting(
      String.prototype,
      'slice',
      (_, out) => (copied += (out as string).length),
      () => fixAll(text, findingsOf(text), findingsOf),
    );
    assert.equal(result?.count, n);
    assert.ok(!findingsOf(result.text).some((f) => f.code === 'schema/type'));
    // Slicing happens elsewhere too (the analysis reads keys and values): a bound of 50 texts.
    assert.ok(
      copied < 50 * result.text.length,
      `${copied} characters copied for a ${text.length}-character text`,
    );
  });
});

describe('suppressionFixer', () => {
  it('reads the text once for the suppressions of all its findings, not once per finding', () => {
    const n = 3_000;
    const text = `name: x\npolicyType: expression\nenforcementMode: block\nruleDefinition:\n  expression: "true"\n# policylens-disable-next-line schema/type\nappliesToAgents:\n${Array.from({ length: n }, (_, i) => `  - ${i}\n`).join('')}`;
    const findings = analyze(text, { fileName: 'policy.yaml' }).findings;
    assert.ok(findings.length >= 1_000);
    let read = 0;
    const fixes = counting(
      String.prototype,
      'charCodeAt',
      () => read++,
      () =>
        counting(
          String.prototype,
          'slice',
          (_, out) => (read += (out as string).length),
          () => findings.map(suppressionFixer(text, 'yaml')),
        ),
    );
    // Before, each finding built its own line table and sliced the rest of the text.
    assert.ok(read < 5 * text.length, `${read} characters read for a ${text.length}-character text`);
    const first = fixes[0]?.edits[0];
    assert.equal(first?.newText, '  # policylens-disable-next-line schema/type\n');
    assert.equal(first?.start, text.indexOf('  - 0\n'));
  });
});
