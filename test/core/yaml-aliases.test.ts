// YAML aliases are resolved with each alias's anchor found in one walk (core/parse/yamlAliases.ts):
// the `yaml` package went through every anchor before an alias to find it, and 16,000 anchors each
// aliased once took 10.5 s to convert. The value, the alias-count guard and every error must be the
// library's own; the cost is counted (reads of the nodes' `anchor`), never timed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isCollection, isScalar, parseAllDocuments, visit, type Document } from 'yaml';
import { toJSWithAliases } from '../../server/src/core/parse/yamlAliases';

const OPTIONS = { maxAliasCount: 100 };

/** The value, or the error's class and message. */
function outcome(convert: () => unknown): unknown {
  try {
    return { value: convert() };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

const parse = (text: string) => parseAllDocuments(text)[0] as Document;

// Documents of anchors, aliases (to anchors before, after or never defined, reused names, nested
// in collections that have anchors themselves) and plain values.
const name = fc.constantFrom('a', 'b', 'c');
const leaf: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('1', 'x', 'true', 'null', '"q"'),
  name.map((n) => `*${n}`),
  fc.tuple(name, fc.constantFrom('1', 'x')).map(([n, v]) => `&${n} ${v}`),
);
const flow: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { maxLength: 4 }).map((a) => `[${a.join(', ')}]`),
    fc.tuple(name, fc.array(tie('node'), { maxLength: 3 })).map(([n, a]) => `&${n} [${a.join(', ')}]`),
    fc
      .array(fc.tuple(fc.constantFrom('k', 'l', 'm'), tie('node')), { maxLength: 3 })
      .map((ps) => `{${ps.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
  ),
})).node;

describe('YAML aliases resolved in one walk', () => {
  it('give the value and the errors the library gives, on any document', () => {
    let aliased = 0;
    fc.assert(
      fc.property(fc.array(flow, { minLength: 1, maxLength: 6 }), (items) => {
        const text = `items:\n${items.map((i) => `  - ${i}\n`).join('')}`;
        const mine = outcome(() => toJSWithAliases(parse(text), OPTIONS));
        assert.deepEqual(
          mine,
          outcome(() => parse(text).toJS(OPTIONS)),
          text,
        );
        if (text.includes('*') && 'value' in (mine as object)) aliased++;
      }),
      { numRuns: 3000 },
    );
    assert.ok(aliased > 100, `documents with resolved aliases: ${aliased}`);
  });

  it('keeps the billion-laughs guard', () => {
    const text = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefg'.split('').map((n, i) => `${n}: &${n} [${`*${'abcdefg'[i]}, `.repeat(10)}]`),
    ].join('\n');
    assert.deepEqual(
      outcome(() => toJSWithAliases(parse(text), OPTIONS)),
      outcome(() => parse(text).toJS(OPTIONS)),
    );
    assert.match(JSON.stringify(outcome(() => toJSWithAliases(parse(text), OPTIONS))), /resource exhaustion/);
  });

  it('reads each anchor a bounded number of times, however many there are', () => {
    /** Reads of `anchor` while converting a document of n anchors, each aliased after all of them. */
    const reads = (n: number, convert: (doc: Document) => unknown): number => {
      const text = `anchors:\n${Array.from({ length: n }, (_, i) => `  - &a${i} v${i}\n`).join('')}aliases:\n${Array.from({ length: n }, (_, i) => `  - *a${i}\n`).join('')}`;
      const doc = parse(text);
      let count = 0;
      visit(doc, {
        Node: (_k, node) => {
          if ((isScalar(node) || isCollection(node)) && node.anchor) {
            let anchor = node.anchor;
            Object.defineProperty(node, 'anchor', {
              get: () => (count++, anchor),
              set: (v: string) => (anchor = v),
            });
          }
        },
      });
      const value = convert(doc) as { aliases: string[] };
      assert.equal(value.aliases[n - 1], `v${n - 1}`);
      return count;
    };
    const mine = [
      reads(200, (d) => toJSWithAliases(d, OPTIONS)),
      reads(800, (d) => toJSWithAliases(d, OPTIONS)),
    ];
    // Linear: four times the anchors, four times the reads (the library's own walk reads n² / 2).
    assert.ok(
      mine[1] <= 4 * mine[0] + 8 && mine[1] <= 10 * 800,
      `reads at 200 and 800 anchors: ${mine.join(', ')}`,
    );
    const library = reads(800, (d) => d.toJS(OPTIONS));
    assert.ok(library > 50 * mine[1], `the library alone: ${library} reads at 800`);
  });
});
