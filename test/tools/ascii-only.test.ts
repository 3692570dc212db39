// The CLI's bundle is ASCII (scripts/ascii-only.mjs): V8 then holds its text as a one-byte
// string, which the loader reads, hashes and compiles at every run (docs/decisions/perf.md). The
// escapes must mean what the characters meant, in strings, regular expressions and identifiers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { asciiOnly } from '../../scripts/ascii-only.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The value of a JavaScript expression. */
const evaluate = (source: string): unknown => new Function(`return (${source});`)();

test('the built CLI bundle is ASCII', () => {
  const bytes = readFileSync(join(root, 'dist', 'cli-engine.js'));
  const first = bytes.findIndex((b) => b > 0x7f);
  assert.equal(first, -1, `a byte above 0x7F at offset ${first} of dist/cli-engine.js`);
});

test('an escaped character means what it meant', () => {
  const cases = [
    "'µs → 5 – §'",
    '`a → ${1 + 1} ✓`',
    "/(ns|µs|ms)/.exec('12µs')?.[0]",
    "/[é-ë]+/u.exec('xéêëy')?.[0]",
    "/😀+/u.exec('a😀😀b')?.[0]",
    "'😀'.length",
    "'\\é'",
    "/\\µ/.test('µ')",
    "'\\\\é'",
    '(() => { const café = 2; return café * 3; })()',
  ];
  for (const source of cases) {
    const escaped = asciiOnly(source);
    assert.match(escaped, /^[\x00-\x7f]*$/, source); // eslint-disable-line no-control-regex
    assert.deepEqual(evaluate(escaped), evaluate(source), source);
  }
  assert.equal(asciiOnly('// a → b\nplain'), '// a \\u2192 b\nplain');
  assert.equal(asciiOnly('only ascii'), 'only ascii');
});
