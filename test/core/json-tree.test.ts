// A valid JSON file's positions come from `validJsonTree` (server/src/core/parse/jsonTree.ts), a
// scanner that pauses between slices, instead of jsonc-parser's one synchronous visit. Both trees
// must be identical, or a finding would move between a file analysed in slices (the language
// server, for a large file) and at once. This compares them on every JSON fixture and example, on
// each with one line deleted, on re-serialisations, and on random JSON; and checks the duplicate-key
// test that sends a file to the careful parser.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { AstNode } from '../../server/src/core/index';
import { parseFast } from '../../server/src/core/parse/fast';
import { parseJsonPositioned } from '../../server/src/core/parse/json';
import { validJsonTree, validJsonTreeNow } from '../../server/src/core/parse/jsonTree';
import { jsonDepthCrossing } from '../../server/src/core/parse/jsonDepth';
import { FIXTURES } from '../support/fixtures';

const ROOT = join(__dirname, '..', '..');

function jsonFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) jsonFiles(p, out);
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

/** The tree without parent links, as comparable JSON; each node's parent is checked apart. */
function shape(n: AstNode | null, parent?: AstNode): unknown {
  if (!n) return n;
  assert.equal(n.parent, parent, `the parent of the node at ${n.offset}`);
  switch (n.type) {
    case 'object':
      return {
        o: [n.offset, n.end, n.flow],
        p: n.properties.map((p) => {
          assert.equal(p.parent, n, `the owner of the property at ${p.offset}`);
          return [shape(p.key, undefined), shape(p.value, n), p.offset, p.end];
        }),
      };
    case 'array':
      return { a: [n.offset, n.end, n.flow], i: n.items.map((x) => shape(x, n)) };
    case 'alias':
      return ['alias', n.value, n.offset, n.end];
    default:
      return [n.type, n.value, n.style, n.offset, n.end];
  }
}

/** The whole tree, one token per slice (every pause taken). */
function sliced(text: string): AstNode | null {
  const steps = validJsonTree(text, 1);
  for (let pauses = 0; ; pauses++) {
    const step = steps.next();
    if (step.done) return step.value;
    assert.ok(pauses <= text.length, 'at most one pause per character');
  }
}

function isValidJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The careful parser's tree and the scanner's, at once and in slices, are the same. */
function sameTrees(text: string): void {
  const careful = shape(parseJsonPositioned(text, false).root);
  const context = `tree of ${JSON.stringify(text.slice(0, 200))}`;
  assert.deepEqual(shape(validJsonTreeNow(text)), careful, context);
  assert.deepEqual(shape(sliced(text)), careful, `${context}, in slices`);
}

/** How many characters of one-line deletions of each file are compared. */
const VARIANT_BYTES = 1_000_000;

describe('the positioned tree of valid JSON, read a slice at a time', () => {
  const files = [...jsonFiles(FIXTURES), ...jsonFiles(join(ROOT, 'examples'))];
  const texts = new Set<string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    // A fixture nested past the depth bound (lint/deep-json) has no tree: the careful parser refuses it.
    if (!isValidJson(text) || jsonDepthCrossing(text) >= 0) continue;
    texts.add(text);
    // Lines deleted spread over the file, VARIANT_BYTES of variants at most: every line of a 200 KB
    // expected output (1,858 variants of 200 KB, each read three times) took 40 s of the file's 43.
    const lines = text.split('\n');
    const every = Math.max(1, Math.ceil((lines.length * text.length) / VARIANT_BYTES));
    for (let i = 0; i < lines.length; i += every) {
      const variant = [...lines.slice(0, i), ...lines.slice(i + 1)].join('\n');
      if (isValidJson(variant)) texts.add(variant);
    }
    const value: unknown = JSON.parse(text);
    for (const indent of [0, 2, '\t', ' ']) texts.add(JSON.stringify(value, null, indent));
  }

  it(`is the careful parser's tree on ${files.length} fixture and example files and their variants`, () => {
    assert.ok(texts.size > 100, `${texts.size} texts compared`);
    for (const text of texts) sameTrees(text);
  });

  it("is the careful parser's tree on random JSON, with escapes and any white space", () => {
    const spacing = fc.constantFrom('', ' ', '\n', '\r\n', '\t', '  \n  ');
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), spacing, spacing, (value, a, b) => {
        // White space around every structural character, as a hand-written file may have.
        const text = `${a}${JSON.stringify(value, null, 1).replace(/([{}[\],:])/g, `${b}$1${a}`)}${b}`;
        if (isValidJson(text)) sameTrees(text);
      }),
      { numRuns: 300 },
    );
    for (const text of [
      '{"a\\"b": "c\\\\", "\\u00e9": ["\\"", "\\\\\\""]}',
      '{"": {"": [[], {}]}}',
      '[1e400, -0, 0.5e-3, true, false, null]',
      '"just a string"',
      '42',
      '{"k": "}{][,:"}',
    ])
      sameTrees(text);
  });
});

describe('duplicate keys and deep nesting send a JSON file to the careful parser', () => {
  it('a nesting of 600 levels takes the careful path, one of 100 the fast path', () => {
    const nest = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    assert.equal(parseFast(nest(600), 'json'), undefined);
    assert.equal(parseFast('['.repeat(600) + ']'.repeat(600), 'json'), undefined);
    assert.notEqual(parseFast(nest(100), 'json'), undefined);
    sameTrees(nest(100));
  });

  const cases: [string, boolean][] = [
    ['{"a": 1, "a": 2}', true],
    ['{"a": 1, "b": {"a": 2}}', false],
    ['{"a": {"x": 1}, "b": {"x": 2}}', false],
    ['{"a": 1, "\\u0061": 2}', true],
    ['{"a": [{"k": 1}, {"k": 2}]}', false],
    ['{"a": [{"k": 1, "k": 2}]}', true],
    ['{"{\\"": 1, "}": 2, "x": "\\"a\\": 1"}', false],
    ['{"k" : 1, "k"\n:\n2}', true],
    ['["a", "a"]', false],
    // A key is read from its opening quote, not from a quote inside it.
    ['{"x\\"b": 1, "b": 2}', false],
    ['{"x\\"b": 1, "x\\"b": 2}', true],
    ['{"s": "a", "a\\\\": 1, "a\\\\": 2}', true],
  ];
  for (const [text, duplicate] of cases)
    it(`${text} ${duplicate ? 'has' : 'has no'} duplicate key`, () => {
      assert.equal(parseFast(text, 'json') === undefined, duplicate);
      if (duplicate)
        assert.ok(
          parseJsonPositioned(text).findings.some((f) => f.code === 'parse/duplicate-key'),
          'and the careful parser reports it',
        );
    });

  it('finds a duplicate exactly when one object has a key twice, whatever its strings hold', () => {
    // Keys as written (escapes included) and what they decode to: the same key can be spelt two ways.
    const keys = ['a', 'b', '\\u0061', 'a\\"', '{', '}', ':', '[', 'x\\\\'];
    const strings = fc.constantFrom('"a"', '"{"', '"}"', '"\\""', '":"', '"[\\"]"', '"\\\\"', '1', '[]');
    type Obj = [string, Obj | string][];
    const { obj } = fc.letrec<{ obj: Obj }>((tie) => ({
      obj: fc.array(
        fc.tuple(fc.constantFrom(...keys), fc.oneof({ depthSize: 'small' }, strings, tie('obj'))),
        {
          maxLength: 5,
        },
      ),
    }));
    const text = (o: Obj): string =>
      `{${o.map(([k, v]) => `"${k}": ${typeof v === 'string' ? v : text(v)}`).join(', ')}}`;
    const duplicate = (o: Obj): boolean => {
      const decoded = o.map(([k]) => JSON.parse(`"${k}"`) as string);
      return (
        new Set(decoded).size < decoded.length || o.some(([, v]) => typeof v !== 'string' && duplicate(v))
      );
    };
    fc.assert(
      fc.property(obj, (o) => {
        assert.equal(parseFast(text(o), 'json') === undefined, duplicate(o), text(o));
      }),
      { numRuns: 500 },
    );
  });
});
