import { SpendMap } from './spendMap';
import type { TimeLog } from './timeLog';
import { dict } from './dict';

/**
 * What the evaluator remembers between events, as plain data: spend and request times per
 * Execlave policy, and Agent Sentinel's budgets, call times and evidence. `evaluate` never changes
 * the state it is given; it returns the next one.
 */
export interface ExeclavePolicyState {
  /** The UTC day (`2026-12-02`) `daySpent` belongs to. */
  day?: string;
  daySpent?: number;
  /** The budget period (`2026-12-01`, its first day) `monthSpent` belongs to. */
  period?: string;
  monthSpent?: number;
  /** Milliseconds of the requests of the last hour that the policy applied to. */
  requests?: TimeLog;
}

export interface Evidence {
  action: string;
  atMs: number;
  run?: string;
  args?: Record<string, unknown>;
  result?: unknown;
}

export interface SentinelState {
  /** Spend per session id (`""` when events carry none). */
  sessions: SpendMap;
  runs: SpendMap;
  /** Spend per action name, cumulative. */
  actions: SpendMap;
  /** Milliseconds of the allowed calls of each action (the rate windows). */
  calls: Record<string, TimeLog>;
  evidence: Evidence[];
}

export interface EvalState {
  /** The clock of the last event, the fallback for an event without a timestamp. */
  lastMs?: number;
  execlave: Record<string, ExeclavePolicyState>;
  sentinel: SentinelState;
}

/**
 * The per-policy and per-action records are keyed by names from the files and the events, so they
 * have no prototype (`dict`): a policy named `__proto__` keeps its own budget, instead of writing
 * it onto Object.prototype or losing it at the next copy.
 */
export function emptyState(): EvalState {
  return {
    execlave: dict<ExeclavePolicyState>(),
    sentinel: {
      sessions: SpendMap.empty(),
      runs: SpendMap.empty(),
      actions: SpendMap.empty(),
      calls: dict<TimeLog>(),
      evidence: [],
    },
  };
}

const DAY_MS = 86_400_000;
let lastDay = Number.NaN;
let lastDayText = '';

/** The UTC day of a clock: `2026-12-02` (the last one is remembered: events come in order). */
export function dayOf(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== lastDay) {
    lastDay = day;
    lastDayText = new Date(day * DAY_MS).toISOString().slice(0, 10);
  }
  return lastDayText;
}

const periods = new Map<number, { day: number; text: string }>();

/**
 * The first day of the budget period a clock falls in, for a period that resets on `resetDay` of
 * every month (UTC). A reset day past the end of a short month resets on its last day.
 */
export function periodOf(ms: number, resetDay: number): string {
  const day = Math.floor(ms / DAY_MS);
  const hit = periods.get(resetDay);
  if (hit?.day === day) return hit.text;
  const text = periodUncached(ms, resetDay);
  periods.set(resetDay, { day, text });
  return text;
}

function periodUncached(ms: number, resetDay: number): string {
  const d = new Date(ms);
  let y = d.getUTCFullYear();
  let m = d.getUTCMonth();
  const resetIn = (yy: number, mm: number) =>
    Math.min(resetDay, new Date(Date.UTC(yy, mm + 1, 0)).getUTCDate());
  if (d.getUTCDate() < resetIn(y, m)) {
    m -= 1;
    if (m < 0) {
      m = 11;
      y -= 1;
    }
  }
  return new Date(Date.UTC(y, m, resetIn(y, m))).toISOString().slice(0, 10);
}

/** How much evidence is kept: the oldest records go first. */
export const MAX_EVIDENCE = 1000;
