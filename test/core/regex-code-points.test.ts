// Policy patterns run on JavaScript's engine without the `u` flag (V8's linear-time engine refuses
// it), where one "character" is one UTF-16 unit; the products (Python's `re`, RE2) count code points.
// The translation (core/regexDialect.ts, core/regexCodePoint.ts) spells code points out in the
// pattern. test/fixtures/regex/code-points.json holds the cases with the products' answers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { fromPolicyDialect } from '../../server/src/core/regexDialect';
import { policyRegExp } from '../../server/src/core/regexRisk';
import { FIXTURES } from '../support/fixtures';

// As the CLI and the language server do at start (server/src/boot/regexp.ts).
setFlagsFromString('--enable-experimental-regexp-engine');

interface Case {
  pattern: string;
  flags?: string;
  text: string;
  matches: boolean;
  why?: string;
}
const data = JSON.parse(readFileSync(join(FIXTURES, 'regex', 'code-points.json'), 'utf8')) as Record<
  'changed' | 'unchanged' | 'linear',
  Case[]
>;

const shown = (c: Case) =>
  `${JSON.stringify(c.pattern)}${c.flags ? `/${c.flags}` : ''} on ${JSON.stringify(c.text)}`;

describe('policy patterns count code points (test/fixtures/regex/code-points.json)', () => {
  for (const section of ['changed', 'unchanged'] as const)
    for (const c of data[section])
      it(`${section}: ${shown(c)}`, () => {
        assert.equal(policyRegExp(c.pattern, c.flags).test(c.text), c.matches, c.why);
      });

  for (const c of data.linear)
    it(`still on the linear-time engine: ${shown(c)}`, () => {
      const re = policyRegExp(c.pattern, c.flags);
      // Checked before the run: on the backtracking engine the run would not end.
      assert.ok(re.flags.includes('l'), `built without l: /${re.source}/${re.flags}`);
      assert.equal(re.test(c.text), c.matches);
    });

  it('\\S, \\W and \\D are JavaScript’s, less the high surrogates, for every UTF-16 unit', () => {
    for (const letter of ['S', 'W', 'D']) {
      const mine = new RegExp(`^${fromPolicyDialect(`\\${letter}`).source}$`);
      const js = new RegExp(`^\\${letter}$`);
      const wrong: string[] = [];
      for (let u = 0; u < 0x10000; u++) {
        const ch = String.fromCharCode(u);
        const high = u >= 0xd800 && u <= 0xdbff;
        if (mine.test(ch) !== (js.test(ch) && !high)) wrong.push(u.toString(16));
      }
      assert.deepEqual(wrong, [], `\\${letter}`);
    }
  });
});
