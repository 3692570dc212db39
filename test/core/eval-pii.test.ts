// The built-in PII detectors (core/eval/pii.ts): every match of the wanted types in text order,
// a match that overlaps one of an earlier type in ORDER dropped, at a cost linear in the matches.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rng } from '../../bench/corpus';
import { counting } from '../support/counting';
import { DETECTORS, detectPii, type PiiMatch } from '../../server/src/core/eval/pii';

const ORDER = ['credit_card', 'ssn', 'iban', 'email', 'ip_address', 'phone'];

/** The rule as written in docs/semantics.md, checked the plain way: each match against every range taken. */
function reference(text: string, types: readonly string[]): PiiMatch[] {
  const out: PiiMatch[] = [];
  const taken: [number, number][] = [];
  for (const type of ORDER) {
    const d = DETECTORS[type];
    const pattern = new RegExp(d.pattern.source, d.pattern.flags);
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const [start, end] = [m.index, m.index + m[0].length];
      if (d.valid && !d.valid(m[0])) continue;
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      taken.push([start, end]);
      if (types.includes(type)) out.push({ type, start, end });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

// Pieces that match one detector, or two at once (a card number that is also a phone number, an
// SSN inside an e-mail address), glued with or without separators.
const PIECES = [
  'jane.doe@example.com',
  '123-45-6789',
  '4111 1111 1111 1111',
  '4111-1111-1111-1111',
  '+14155550123',
  '(555) 123-4567',
  '555.123.4567',
  '10.0.0.1',
  '192.168.1.300',
  'DE89 3704 0044 0532 0130 00',
  'GB82WEST12345698765432',
  '123-45-6789@mail.example.org',
  '1.2.3.4@x.io',
  'SSN',
  'call',
  '0',
];
const TYPE_SETS = [['email'], ['ssn', 'phone'], ['credit_card', 'email', 'phone'], ORDER, ['phone']];

describe('detectPii', () => {
  it('gives what checking each match against every range taken gives, for 3,000 random texts', () => {
    const next = rng(35);
    let found = 0;
    for (let run = 0; run < 3_000; run++) {
      let text = '';
      for (let k = 1 + Math.floor(next() * 12); k > 0; k--)
        text +=
          PIECES[Math.floor(next() * PIECES.length)] + [' ', '', '-', ', ', '\n'][Math.floor(next() * 5)];
      const types = TYPE_SETS[run % TYPE_SETS.length];
      const got = detectPii(text, types);
      found += got.length;
      assert.deepEqual(got, reference(text, types), `${JSON.stringify(text)} ${types.join(',')}`);
    }
    assert.ok(found > 4_000, `${found} matches`);
  });

  it("finds the e-mail pattern's matches from the @ signs: 3,000 texts of local and domain pieces", () => {
    // The e-mail scan (core/eval/emailScan.ts) reads the text from each `@`; the pattern is the rule.
    const bits = [
      'jo',
      'b.',
      '.',
      '@',
      '@@',
      '@ex',
      'x-',
      '%',
      '+',
      ' ',
      'c0m',
      '.com',
      '.io',
      '-',
      '9',
      'é',
      '\n',
    ];
    const next = rng(36);
    let found = 0;
    for (let run = 0; run < 3_000; run++) {
      let text = '';
      for (let k = 1 + Math.floor(next() * 30); k > 0; k--) text += bits[Math.floor(next() * bits.length)];
      const got = detectPii(text, ['email']);
      found += got.length;
      assert.deepEqual(got, reference(text, ['email']), JSON.stringify(text));
    }
    assert.ok(found > 300, `${found} matches`);
  });

  it('checks each match against the ranges taken once, not against all of them', () => {
    // 20,000 addresses after 20,000 SSNs: each address was compared with every range taken before.
    const text = '123-45-6789; '.repeat(20_000) + 'jane.doe@example.com '.repeat(20_000);
    // Each scan of the ranges taken is counted by the ranges it may read.
    let compared = 0;
    const matches = counting(
      Array.prototype,
      'some',
      (list) => (compared += (list as unknown[]).length),
      () => detectPii(text, ['ssn', 'email']),
    );
    assert.equal(matches.length, 40_000);
    assert.ok(compared < 40_000, `${compared} comparisons for 40,000 matches`);
  });
});
