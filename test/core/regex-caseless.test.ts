// V8's linear-time engine refuses the `i` flag, so a case-insensitive policy pattern (`(?i)` first,
// Preloop's `flags: [i]`) backtracked: `(?i)^(o+)+$` against 40 `o`s and a `!` hung. It is now
// spelled without `i` (core/regexCaseless.ts) when that says the same.
// test/fixtures/regex/caseless.json holds the cases.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { caseGroups, caselessSource } from '../../server/src/core/regexCaseless';
import { fromPolicyDialect } from '../../server/src/core/regexDialect';
import { policyRegExp } from '../../server/src/core/regexRisk';
import { FIXTURES } from '../support/fixtures';

// As the CLI and the language server do at start (server/src/boot/regexp.ts).
setFlagsFromString('--enable-experimental-regexp-engine');

interface Rewritten {
  pattern: string;
  flags?: string;
  source: string;
  texts: string[];
}
interface Answer {
  pattern: string;
  flags?: string;
  text: string;
  matches: boolean;
  why?: string;
}
const data = JSON.parse(readFileSync(join(FIXTURES, 'regex', 'caseless.json'), 'utf8')) as {
  rewritten: Rewritten[];
  linear: Answer[];
  kept: Answer[];
};

const shown = (c: { pattern: string; flags?: string }) =>
  `${JSON.stringify(c.pattern)}${c.flags ? `/${c.flags}` : ''}`;

/** A seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** Texts near the given ones: each with its letters' cases flipped at random, and random strings. */
function generated(c: Rewritten): string[] {
  const next = random(c.pattern.length * 7919 + 1);
  const letters = [...new Set((c.pattern + c.texts.join('')).replace(/[^a-z]/gi, '').toLowerCase())];
  const alphabet = [
    ...letters,
    ...letters.map((l) => l.toUpperCase()),
    ...'09 _-!@.\n[]`^',
    'é',
    'É',
    'ſ',
    'ı',
    'İ',
    '\u212a',
    '😀',
  ];
  const out: string[] = [];
  for (const t of c.texts)
    for (let n = 0; n < 50; n++)
      out.push([...t].map((ch) => (next() < 0.5 ? ch.toUpperCase() : ch.toLowerCase())).join(''));
  for (let n = 0; n < 1000; n++) {
    let s = '';
    for (let len = Math.floor(next() * 10); len > 0; len--)
      s += alphabet[Math.floor(next() * alphabet.length)];
    out.push(s);
  }
  return out;
}

describe('case-insensitive policy patterns on the linear-time engine (test/fixtures/regex/caseless.json)', () => {
  for (const c of data.rewritten)
    it(`rewritten: ${shown(c)} answers as with i`, () => {
      const d = fromPolicyDialect(c.pattern, c.flags);
      assert.ok(d.flags.includes('i'));
      assert.equal(caselessSource(d.source), c.source);
      const re = policyRegExp(c.pattern, c.flags);
      assert.ok(re.flags.includes('l') && !re.flags.includes('i'), `/${re.source}/${re.flags}`);
      const withI = new RegExp(d.source, d.flags);
      const answers = c.texts.map((t) => withI.test(t));
      assert.ok(answers.includes(true) && answers.includes(false), 'the texts must both match and not');
      const wrong = [...c.texts, ...generated(c)].filter((t) => re.test(t) !== withI.test(t));
      assert.deepEqual(wrong, []);
    });

  for (const c of data.linear)
    it(`linear: ${shown(c)} on ${JSON.stringify(c.text)}`, () => {
      const re = policyRegExp(c.pattern, c.flags);
      // Checked before the run: on the backtracking engine the run would not end.
      assert.ok(re.flags.includes('l'), `built without l: /${re.source}/${re.flags}`);
      assert.equal(re.test(c.text), c.matches);
    });

  for (const c of data.kept)
    it(`kept: ${shown(c)} (${c.why})`, () => {
      const re = policyRegExp(c.pattern, c.flags);
      assert.ok(re.flags.includes('i') && !re.flags.includes('l'), `/${re.source}/${re.flags}`);
      assert.equal(re.test(c.text), c.matches);
    });

  it('the case groups are those of `i`: each unit in a group matches every other one with i', () => {
    const wrong: string[] = [];
    const grouped = new Set<number>();
    for (const group of caseGroups())
      for (const u of group) {
        grouped.add(u);
        const re = new RegExp(`^\\u${u.toString(16).padStart(4, '0')}$`, 'i');
        for (const v of group) if (!re.test(String.fromCharCode(v))) wrong.push(`${u}~${v}`);
      }
    // And a unit in no group matches only itself, under its upper and lower case.
    for (let u = 0; u < 0x10000; u++) {
      if (grouped.has(u)) continue;
      const re = new RegExp(`^\\u${u.toString(16).padStart(4, '0')}$`, 'i');
      const ch = String.fromCharCode(u);
      for (const other of [ch.toUpperCase(), ch.toLowerCase()])
        if (other !== ch && other.length === 1 && re.test(other)) wrong.push(`${u}~${other.charCodeAt(0)}`);
    }
    assert.deepEqual(wrong, []);
  });
});
