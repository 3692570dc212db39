// The event clock (core/eval/context.ts): the hand-read ISO-8601 form must give what Date.parse
// gives, for every field in and out of range; a clock no date can hold is no clock (never a crash).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clockOf, eventClock } from '../../server/src/core/eval/context';

const pad = (v: number, w: number) => String(v).padStart(w, '0');

/**
 * The reading before the hand-read form: Unix seconds, else Date.parse; NaN beyond the calendar,
 * and NaN for a day the month does not have (Date.parse reads 2026-02-30 as the 2nd of March).
 */
function reference(s: string): number {
  const ms = /^\d+(\.\d+)?$/.test(s.trim()) ? Number(s) * 1000 : Date.parse(s);
  const ymd = /^\s*([+-]?\d{4,6})-(\d\d)-(\d\d)/.exec(s);
  if (ymd) {
    const [y, mo, d] = [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])];
    // Day 0 of the next month is the last of this one; the year 2000 + y % 400 has y's leap rule.
    const last = new Date(Date.UTC(2000 + (((y % 400) + 400) % 400), mo, 0)).getUTCDate();
    if (mo < 1 || mo > 12 || d < 1 || d > last) return Number.NaN;
  }
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? ms : Number.NaN;
}

describe('event clock', () => {
  it('reads ISO-8601 as Date.parse does, fields in and out of range', () => {
    const texts = [
      '2026-12-01T10:00:00Z',
      '2026-12-01T10:00:00.000Z',
      '2026-12-01T10:00:0aZ',
      '2026-12-01 10:00:00Z',
      '2026-12-01T10:00:00z',
      ' 2026-12-01T10:00:00Z',
      '2026-12-01T10:00:00+01:00',
      '-2026-12-01T10:00:00Z',
      '12345',
      '12.5',
    ];
    for (let i = 0; i < 20_000; i++) {
      const y = [1, 99, 100, 1970, 2026, 9999][i % 6];
      const [mo, d, h, mi, s] = [i % 14, (i * 7) % 33, (i * 3) % 26, (i * 11) % 61, (i * 13) % 61];
      const frac = ['', '.5', '.12', '.123', '.1234', '.'][i % 6 === 0 ? (i / 6) % 6 : i % 6];
      texts.push(`${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${frac}Z`);
    }
    let read = 0;
    for (const t of texts) {
      const want = reference(t);
      assert.ok(Object.is(clockOf(t), want), `${t}: ${clockOf(t)} ≠ ${want}`);
      if (!Number.isNaN(want)) read++;
    }
    assert.ok(read > 5000, `${read} valid clocks among the texts`);
  });

  it('takes a day the month does not have as no clock, with an assumption', () => {
    for (const timestamp of [
      '2026-02-30T00:00:00Z',
      '2026-02-29T10:00:00+01:00',
      '2026-04-31',
      '2100-02-29 10:00',
    ])
      assert.ok(Number.isNaN(clockOf(timestamp)), timestamp);
    for (const timestamp of ['2028-02-29T00:00:00Z', '2000-02-29 10:00', '2026-01-31T23:00:00+01:00'])
      assert.ok(!Number.isNaN(clockOf(timestamp)), timestamp);
    const c = eventClock({ timestamp: '2026-02-30T00:00:00Z' }, 5000);
    assert.equal(c.atMs, 5000);
    assert.match(c.assumption ?? '', /"2026-02-30T00:00:00Z" is not ISO-8601/);
  });

  it('reads Unix milliseconds where seconds are expected as given, with an assumption', () => {
    const c = eventClock({ timestamp: 1796205600000 }, 5000);
    assert.equal(c.atMs, 1796205600000 * 1000);
    assert.match(
      c.assumption ?? '',
      /^timestamp 1796205600000 reads as \+05\d{4}-.*: milliseconds\? \(divide by 1000\)$/,
    );
    assert.equal(eventClock({ timestamp: 1796205600 }, 5000).assumption, undefined);
    // The same number as a string is the same guess; a date written out is what it says.
    assert.match(eventClock({ timestamp: '1796205600000' }, 5000).assumption ?? '', /milliseconds\?/);
    for (const timestamp of ['9999-12-31T23:59:59Z', '+099999-01-01T00:00:00Z']) {
      const far = eventClock({ timestamp }, 5000);
      assert.equal(far.atMs, Date.parse(timestamp));
      assert.equal(far.assumption, undefined, timestamp);
    }
  });

  it('takes a clock beyond the dates JavaScript holds as no clock, with an assumption', () => {
    for (const timestamp of [1e13, -1e13, '99999999999999']) {
      assert.ok(Number.isNaN(clockOf(timestamp)));
      const c = eventClock({ timestamp }, 5000);
      assert.equal(c.atMs, 5000);
      assert.match(c.assumption ?? '', /the clock is 1970-01-01T00:00:05\.000Z/);
    }
  });
});
