import { isObj, type EventContext } from './context';
import { dict } from './dict';
import { record as recordTime, type TimeLog } from './timeLog';
import type { SentinelRun } from './sentinel';
import { MAX_EVIDENCE, type Evidence, type SentinelState } from './state';
import type { Decision } from './types';

/** Records spend, the call and any evidence once the action went through. */
export function nextSentinelState(
  run: SentinelRun,
  ctx: EventContext,
  decision: Decision,
  state: SentinelState,
): SentinelState {
  const c = run.config;
  const action = ctx.event.action;
  if (!c || typeof action !== 'string' || (decision !== 'allow' && decision !== 'warn')) return state;
  const e = ctx.event;
  const cost = typeof e.cost_usd === 'number' ? e.cost_usd : 0;
  const next: SentinelState = {
    sessions: state.sessions.add(e.session_id ?? '', cost),
    runs: state.runs.add(e.run_id ?? '', cost),
    actions: state.actions.add(action, cost),
    calls: state.calls,
    evidence: state.evidence,
  };
  if (c.rateLimits[action]) {
    const windowMs = c.rateLimits[action].window_seconds * 1000;
    // Keyed by action names: a `dict`, as emptyState's (a spread would give it Object.prototype).
    next.calls = Object.assign(dict<TimeLog>(), state.calls, {
      [action]: recordTime(state.calls[action], ctx.atMs - windowMs, ctx.atMs),
    });
  }
  const isEvidence =
    c.evidenceActions.includes(action) ||
    Object.values(c.evidenceRequirements).some((xs) => xs.includes(action)) ||
    Object.values(c.groundingRules).some((fields) =>
      Object.values(fields).some((r) => r.source_action === action),
    );
  if (isEvidence) {
    const record: Evidence = {
      action,
      atMs: ctx.atMs,
      ...(e.run_id !== undefined ? { run: e.run_id } : {}),
      ...(isObj(e.args) ? { args: e.args } : {}),
      ...(e.result !== undefined ? { result: e.result } : {}),
    };
    next.evidence = [...state.evidence, record].slice(-MAX_EVIDENCE);
  }
  return next;
}
