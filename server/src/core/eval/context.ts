import { dayOf } from './state';
import type { EvalEvent } from './types';

/**
 * The event as the evaluators read it: the clock resolved, the Execlave cost picked, the agent
 * named once. Built once per event and shared by every policy.
 */
export interface EventContext {
  event: EvalEvent;
  /** The event's clock in milliseconds since the epoch. */
  atMs: number;
  /** Set when the event carried no usable clock and the fallback was used. */
  clockAssumption?: string;
  /** Execlave's `cost`: `estimatedCost`, else `cost`, else 0 (reference §1.6, §1.10). */
  cost: number;
  /** The agent: Execlave `agentId`, else Agent Sentinel's `agent_id`. */
  agentId: string | undefined;
}

/**
 * Reads an event's clock: `timestamp` as ISO-8601 or Unix seconds. The machine's clock is never
 * used: without a timestamp the caller's fallback (the previous event's time, or the epoch) is
 * the clock, and the trace says so.
 */
export function eventClock(event: EvalEvent, fallbackMs: number): { atMs: number; assumption?: string } {
  const t = event.timestamp;
  const ms = clockOf(t);
  // Read as given, as replay does, but said: every budget day and window after it is skewed.
  if (readsAsMilliseconds(t, ms))
    return {
      atMs: ms,
      assumption: `timestamp ${String(t)} reads as ${iso(ms)}: milliseconds? (divide by 1000)`,
    };
  if (!Number.isNaN(ms)) return { atMs: ms };
  if (typeof t === 'string' && t.trim()) {
    return {
      atMs: fallbackMs,
      assumption: `timestamp "${t}" is not ISO-8601 or Unix seconds; the clock is ${iso(fallbackMs)}`,
    };
  }
  if (typeof t === 'number')
    return {
      atMs: fallbackMs,
      assumption: `timestamp ${t} is beyond the dates a clock can hold; the clock is ${iso(fallbackMs)}`,
    };
  return {
    atMs: fallbackMs,
    assumption: `the event has no timestamp; the clock is ${iso(fallbackMs)} (never the machine's clock)`,
  };
}

/** The first second of the year 5138 (1e11 s): a Unix time beyond it is a count of milliseconds. */
const MAX_SECONDS = 1e11;

/**
 * Whether a timestamp written as a number of Unix seconds reads so far ahead that the number was
 * milliseconds. A date written out (`9999-12-31T23:59:59Z`) is what it says: it was asked whether
 * it meant milliseconds.
 */
export function readsAsMilliseconds(t: unknown, ms: number): boolean {
  const number = typeof t === 'number' || (typeof t === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(t));
  return number && ms / 1000 >= MAX_SECONDS;
}

/** The last millisecond a JavaScript date can hold (±100,000,000 days from the epoch). */
const MAX_DATE_MS = 8.64e15;

/**
 * A `timestamp` in milliseconds (ISO-8601 or Unix seconds), NaN when it is not a clock: neither
 * form, or a number of seconds beyond the dates JavaScript can write (1e13 seconds).
 */
export function clockOf(t: unknown): number {
  let ms = Number.NaN;
  if (typeof t === 'number') ms = t * 1000;
  else if (typeof t === 'string' && t.trim())
    ms = isoUtc(t) ?? (/^\d+(\.\d+)?$/.test(t.trim()) ? Number(t) * 1000 : calendarDate(t) && parseUtc(t));
  return Math.abs(ms) <= MAX_DATE_MS ? ms : Number.NaN;
}

/**
 * NaN for a date written as year-month-day whose day the month does not have: Date.parse reads
 * `2026-02-30` as the 2nd of March, and the event then fell on another budget day without a word.
 */
function calendarDate(t: string): number {
  const m = /^\s*([+-]?\d{4,6})-(\d\d)-(\d\d)/.exec(t);
  if (!m) return 1;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const days = new Date(Date.UTC(2000, mo, 0)).getUTCDate() - (mo === 2 && !leap(y) ? 1 : 0);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= days ? 1 : Number.NaN;
}

function leap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** A time followed by a zone (`…:00Z`, `…:00+02:00`, `…:00 -0500`), or a zone's name. */
const ZONE = /:\d\d(?:\.\d+)?\s*(?:Z|[+-]\d\d(?::?\d\d)?)\b|\b(?:Z|UTC?|GMT|[ECMP][SD]T)\b/i;

/**
 * Date.parse, except that a date-time that names no zone (`2026-12-01 10:00:00`, `12/01/2026`) is
 * read in UTC, as the days and months of budgets are: Date.parse reads it in the machine's time
 * zone, so a laptop in Tokyo and a CI runner in UTC put the same event on different days.
 */
function parseUtc(t: string): number {
  const ms = Date.parse(t);
  // A date alone in ISO form (`2026-12-01`) is UTC already (ECMA-262 §21.4.3.2).
  if (Number.isNaN(ms) || ZONE.test(t) || /^\s*[+-]?\d{4,6}-\d\d-\d\d\s*$/.test(t)) return ms;
  // The wall-clock fields Date.parse read, put back together in UTC instead of local time.
  const d = new Date(ms);
  return Date.UTC(
    d.getFullYear(),
    d.getMonth(),
    d.getDate(),
    d.getHours(),
    d.getMinutes(),
    d.getSeconds(),
    d.getMilliseconds(),
  );
}

/** `0`–`9` at `i` as a number, or -1. */
function digit(t: string, i: number): number {
  const c = t.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

function digits(t: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const d = digit(t, i + k);
    if (d < 0) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * `2026-12-01T10:00:00Z` or `2026-12-01T10:00:00.123Z` read by hand, the form recorded traffic
 * uses (Date.parse was a tenth of a replay's time); undefined for any other form, or for a field
 * out of the range where both readings surely agree (years before 100, day 29 and up, hour 24,
 * second 60): Date.parse reads those.
 */
function isoUtc(t: string): number | undefined {
  const n = t.length;
  if (n < 20 || n > 24 || t.charCodeAt(n - 1) !== 90 /* Z */) return undefined;
  if (t[4] !== '-' || t[7] !== '-' || t[10] !== 'T' || t[13] !== ':' || t[16] !== ':') return undefined;
  const y = digits(t, 0, 4);
  const mo = digits(t, 5, 2);
  const d = digits(t, 8, 2);
  const h = digits(t, 11, 2);
  const mi = digits(t, 14, 2);
  const s = digits(t, 17, 2);
  // Date.UTC reads the years 0–99 as 1900–1999.
  if (
    y < 100 ||
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    d > 28 ||
    h < 0 ||
    h > 23 ||
    mi < 0 ||
    mi > 59 ||
    s < 0 ||
    s > 59
  )
    return undefined;
  let ms = 0;
  if (n > 20) {
    if (t[19] !== '.' || n === 21) return undefined;
    const f = digits(t, 20, n - 21);
    if (f < 0) return undefined;
    ms = n === 22 ? f * 100 : n === 23 ? f * 10 : f;
  }
  return Date.UTC(y, mo - 1, d, h, mi, s, ms);
}

/** The event's context; `clock` when the caller has already read it (replay's decoder does). */

export function contextOf(
  event: EvalEvent,
  fallbackMs: number,
  clock: { atMs: number; assumption?: string } = eventClock(event, fallbackMs),
): EventContext {
  const cost = num(event.estimatedCost) ?? num(event.cost) ?? 0;
  return {
    event,
    atMs: clock.atMs,
    ...(clock.assumption ? { clockAssumption: clock.assumption } : {}),
    cost,
    agentId: str(event.agentId) ?? str(event.agent_id),
  };
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** ISO-8601 in UTC, as `Date.toISOString` writes it, from the remembered day (events come in order). */
export function iso(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0 || ms >= 253402300800000) return new Date(ms).toISOString();
  const t = ms % 86_400_000;
  const milli = t % 1000;
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor(t / 60_000) % 60;
  const sec = Math.floor(t / 1000) % 60;
  return `${dayOf(ms)}T${pad2(h)}:${pad2(m)}:${pad2(sec)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** USD with two decimals, as messages print money. */
export function usd(n: number): string {
  return n.toFixed(2);
}

/**
 * An amount of US dollars in whole nano-dollars. Execlave's spend is compared in these, not in
 * binary floating point, where 0.1 + 0.1 + 0.1 > 0.3 blocked the third 0.10 request of a 0.30
 * budget ("0.20 + 0.10 > 0.30 USD"): the server is not public, and an amount of money compares as
 * its decimal value. Exact up to 9 million dollars, far past any per-request cost or budget.
 */
export function nanoUsd(n: number): number {
  return Math.round(n * 1e9);
}

/** A rule key in its current snake_case spelling, or its legacy camelCase one. */
export function pick(rule: Obj, ...keys: string[]): unknown {
  for (const k of keys) if (rule[k] !== undefined) return rule[k];
  return undefined;
}
