import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { analyze, DIALECTS, getDialect, type Analysis } from '../../server/src/core/index';
import {
  applyEdit,
  breakage,
  breakValue,
  editFor,
  execlaveBundle,
  mutation,
  serialise,
  styles,
  valueFor,
} from './support/arbitraries';
import { applyEdits, assertSpansInside, comparable, policyCorpus, report, runs } from './support/invariants';

// Property-based tests of the engine: whatever text arrives, analyze() answers with findings
// inside the text, the same findings every time, and fixes that leave a text it can analyse again.
// Run counts are fixed (and the seed is printed on failure by fast-check) so the file stays fast.

const corpus = policyCorpus();
const counts = { documents: 0, findings: 0, fixesApplied: 0, mutations: 0, crashes: 0 };
const execlave = getDialect('execlave');
if (!execlave) throw new Error('the execlave dialect is missing');

/** analyze() plus the invariants every analysis must satisfy. */
function checked(text: string, fileName: string, context: string): Analysis {
  let a: Analysis;
  try {
    a = analyze(text, { fileName });
  } catch (e) {
    counts.crashes++;
    assert.fail(`${context}: analyze threw ${(e as Error).stack}\n--- text ---\n${text.slice(0, 2000)}`);
  }
  counts.documents++;
  counts.findings += a.findings.length;
  assertSpansInside(a.findings, text, context);
  const again = analyze(text, { fileName });
  assert.deepEqual(
    comparable(again.findings),
    comparable(a.findings),
    `${context}: findings differ between runs`,
  );
  return a;
}

/** Applies every offered fix on its own and re-analyses the result. */
function applyFixes(a: Analysis, text: string, fileName: string, context: string): void {
  for (const f of a.findings)
    for (const fix of f.fixes ?? []) {
      counts.fixesApplied++;
      checked(applyEdits(text, fix.edits), fileName, `${context}, after fix "${fix.title}" of ${f.code}`);
    }
}

describe('engine properties (fast-check)', () => {
  after(() =>
    report(
      `${counts.documents} documents analysed (${counts.mutations} text mutations, ${counts.fixesApplied} fixes applied), ${counts.findings} findings, ${counts.crashes} crashes`,
    ),
  );

  it('a valid Execlave bundle, in any of the three styles, has no error', () => {
    fc.assert(
      fc.property(execlaveBundle(execlave.schema), styles, (bundle, style) => {
        const { text, fileName } = serialise(bundle, style);
        const a = checked(text, fileName, `valid bundle as ${style}`);
        const errors = a.findings.filter((f) => f.severity === 'error');
        assert.deepEqual(
          errors.map((f) => `${f.code}: ${f.message}`),
          [],
          `a valid bundle as ${style} has errors:\n${text}`,
        );
      }),
      runs(150),
    );
  });

  it('a broken bundle gets findings inside the text, deterministic, and its fixes re-analyse', () => {
    fc.assert(
      fc.property(
        execlaveBundle(execlave.schema),
        fc.array(breakage, { minLength: 1, maxLength: 3 }),
        styles,
        (bundle, breaks, style) => {
          const { text, fileName } = serialise(breakValue(bundle, breaks), style);
          const a = checked(text, fileName, `broken bundle as ${style}`);
          applyFixes(a, text, fileName, `broken bundle as ${style}`);
        },
      ),
      runs(150),
    );
  });

  it('every dialect: a schema-built value never makes analyze throw', () => {
    for (const d of DIALECTS) {
      fc.assert(
        fc.property(
          valueFor(d.schema as Record<string, unknown>, d.schema as Record<string, unknown>),
          styles,
          (v, s) => {
            const { text, fileName } = serialise(v, s);
            checked(text, fileName, `${d.id} value as ${s}`);
          },
        ),
        runs(40),
      );
    }
  });

  it('random edits of stored policy files (typing, deleting, pasting) never break analyze', () => {
    fc.assert(
      fc.property(
        fc.nat(corpus.length - 1),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (start, edits, json) => {
          const fileName = json ? 'edited.json' : 'edited.yaml';
          let text = corpus[start];
          for (const m of edits) {
            text = applyEdit(text, editFor(text, m, corpus));
            counts.mutations++;
          }
          const a = checked(text, fileName, `mutated corpus[${start}]`);
          applyFixes(a, text, fileName, `mutated corpus[${start}]`);
        },
      ),
      runs(250),
    );
  });
});
