/**
 * The built-in PII detectors. Their exact rules (documented in docs/semantics.md) are ours: the
 * sources name the types (`ssn`, `credit_card`, `email`, `phone`, …) but not how they detect them.
 * Each detector is deliberately narrow, so a match is a real-looking value and not any run of
 * digits.
 */
export interface PiiMatch {
  type: string;
  start: number;
  end: number;
}

import { emailMatches } from './emailScan';

/**
 * A detector's rule is its `pattern` (and `valid`); `scan`, when given, finds the same matches
 * without the pattern's quadratic global scan (emailScan.ts).
 */
type Detector = {
  pattern: RegExp;
  valid?: (match: string) => boolean;
  scan?: (text: string) => Iterable<[number, number]>;
};

/** A credit-card number passes the Luhn checksum. */
export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** An IBAN passes the ISO 13616 mod-97 check. */
function ibanValid(s: string): boolean {
  const v = s.replace(/\s+/g, '').toUpperCase();
  const moved = v.slice(4) + v.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const code = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const c of code) rem = (rem * 10 + (c.charCodeAt(0) - 48)) % 97;
  }
  return rem === 1;
}

export const DETECTORS: Record<string, Detector> = {
  // 13–19 digits, optionally in groups split by single spaces or dashes, passing Luhn.
  credit_card: {
    pattern: /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g,
    valid: (m) => luhn(m.replace(/[ -]/g, '')),
  },
  // US SSN written AAA-GG-SSSS, without the never-issued areas 000, 666, 9xx, group 00, serial 0000.
  ssn: { pattern: /(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])/g },
  email: {
    pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g,
    scan: emailMatches,
  },
  // E.164 (+ and 8–15 digits) or a North American number: (555) 123-4567, 555-123-4567, 555.123.4567.
  phone: {
    pattern: /(?<![\w+])(?:\+\d{8,15}|(?:\+?1[ .-]?)?(?:\(\d{3}\)\s?|\d{3}[ .-])\d{3}[ .-]\d{4})(?!\w)/g,
  },
  ip_address: {
    pattern: /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])/g,
  },
  iban: { pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g, valid: ibanValid },
};

/** Detection order: a card or an SSN is never also reported as a phone number. */
const ORDER = ['credit_card', 'ssn', 'iban', 'email', 'ip_address', 'phone'];

/** Types the built-in detectors know (the others need a detector signal in the event). */
export function detectable(type: string): boolean {
  return type in DETECTORS;
}

/** Every match of the wanted types in a text, in text order; overlapping matches go to the first type. */
export function detectPii(text: string, types: readonly string[]): PiiMatch[] {
  const out: PiiMatch[] = [];
  // A type only loses ground to the types before it in ORDER, so the detectors after the last
  // wanted one never need to run; most need a digit, email an @.
  let last = -1;
  for (const t of types) last = Math.max(last, ORDER.indexOf(t));
  if (last < 0) return out;
  const digits = /\d/.test(text);
  const at = text.includes('@');
  // The ranges taken by the types before, in text order and disjoint: each type's matches come in
  // text order too, so one pointer walks both. Checking each match against every range taken
  // before cost matches² (100,000 e-mail addresses in one input: 15 s).
  let taken: [number, number][] = [];
  for (let i = 0; i <= last; i++) {
    const type = ORDER[i];
    if (type === 'email' ? !at : !digits) continue;
    const d = DETECTORS[type];
    const wanted = types.includes(type);
    const mine: [number, number][] = [];
    let k = 0;
    for (const [start, end] of d.scan ? d.scan(text) : regexMatches(d, text)) {
      while (k < taken.length && taken[k][1] <= start) k++;
      if (k < taken.length && taken[k][0] < end) continue;
      mine.push([start, end]);
      if (wanted) out.push({ type, start, end });
    }
    if (mine.length) taken = mergeRanges(taken, mine);
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The matches of a detector's pattern that pass its `valid` check, in text order. */
function* regexMatches(d: Detector, text: string): Generator<[number, number]> {
  d.pattern.lastIndex = 0;
  for (let m = d.pattern.exec(text); m; m = d.pattern.exec(text))
    if (!d.valid || d.valid(m[0])) yield [m.index, m.index + m[0].length];
}

/** Two lists of disjoint ranges in text order, disjoint from each other, as one list in text order. */
function mergeRanges(a: [number, number][], b: [number, number][]): [number, number][] {
  if (!a.length) return b;
  const out: [number, number][] = [];
  let [i, j] = [0, 0];
  while (i < a.length || j < b.length)
    out.push(j >= b.length || (i < a.length && a[i][0] < b[j][0]) ? a[i++] : b[j++]);
  return out;
}

/** The text with each match replaced by `[TYPE]`, for `mask_output` and `redact`. */
export function maskPii(text: string, matches: readonly PiiMatch[]): string {
  let out = '';
  let at = 0;
  for (const m of matches) {
    out += text.slice(at, m.start) + `[${m.type.toUpperCase()}]`;
    at = m.end;
  }
  return out + text.slice(at);
}
