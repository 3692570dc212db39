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
  if (typeof t === 'number' && Number.isFinite(t)) return { atMs: t * 1000 };
  if (typeof t === 'string' && t.trim()) {
    const ms = /^\d+(\.\d+)?$/.test(t.trim()) ? Number(t) * 1000 : Date.parse(t);
    if (Number.isFinite(ms)) return { atMs: ms };
    return {
      atMs: fallbackMs,
      assumption: `timestamp "${t}" is not ISO-8601 or Unix seconds; the clock is ${iso(fallbackMs)}`,
    };
  }
  return {
    atMs: fallbackMs,
    assumption: `the event has no timestamp; the clock is ${iso(fallbackMs)} (never the machine's clock)`,
  };
}

export function contextOf(event: EvalEvent, fallbackMs: number): EventContext {
  const clock = eventClock(event, fallbackMs);
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

/** A rule key in its current snake_case spelling, or its legacy camelCase one. */
export function pick(rule: Obj, ...keys: string[]): unknown {
  for (const k of keys) if (rule[k] !== undefined) return rule[k];
  return undefined;
}
