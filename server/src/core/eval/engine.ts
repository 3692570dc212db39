import { contextOf, iso } from './context';
import { decide } from './decision';
import { compileExeclave, evaluateExeclave, nextExeclaveState, type CompiledExeclave } from './execlave';
import { compilePreloopSet, evaluatePreloop, type CompiledPreloop } from './preloop';
import { evaluateSentinel } from './sentinel';
import { nextSentinelState } from './sentinel-state';
import { sentinelPolicyOf, type SentinelPolicy } from './sentinel-config';
import { emptyState, type EvalState } from './state';
import type { EvalEvent, EvalResult, PolicySource, TraceEntry } from './types';

const NONE: { trace: TraceEntry[]; workflow?: string } = { trace: [] };

/** Policies of every dialect, compiled once (CEL included) and reused for every event. */
export interface CompiledPolicies {
  execlave: CompiledExeclave[];
  preloop: CompiledPreloop[];
  sentinel: SentinelPolicy[];
  /** Sources that are no policy the evaluator runs (a compile request), by URI. */
  ignored: string[];
}

export interface CompileOptions {
  /**
   * Said after "a live policy id, not resolved offline" when a prerequisite is an id the set does
   * not resolve: how this front end resolves it (the CLI's `eval` and `test` name `--live`).
   */
  unresolvedIdHint?: string;
}

export function compilePolicies(
  sources: readonly PolicySource[],
  options: CompileOptions = {},
): CompiledPolicies {
  const by = (ids: string[]) => sources.filter((s) => ids.includes(s.dialect));
  return {
    execlave: compileExeclave(by(['execlave']), options.unresolvedIdHint),
    preloop: compilePreloopSet(by(['preloop'])),
    sentinel: by(['callguard', 'agentsentinel']).map((s) => sentinelPolicyOf(s.uri, s.dialect, s.value)),
    ignored: sources
      .filter((s) => !['execlave', 'preloop', 'callguard', 'agentsentinel'].includes(s.dialect))
      .map((s) => s.uri),
  };
}

/** The names of every compiled policy, for test expectations and completion. */
export function policyNames(compiled: CompiledPolicies): string[] {
  return [
    ...compiled.execlave.map((p) => p.name),
    ...compiled.preloop.map((p) => p.name),
    ...compiled.sentinel.map((p) => p.name),
  ];
}

/**
 * Decides on one event. Returns the decision with its trace (the SDK's `EnforceResult` fields
 * plus one entry per policy in evaluation order) and the state after the event.
 */
export function evaluate(
  compiled: CompiledPolicies,
  event: EvalEvent,
  state: EvalState = emptyState(),
): { result: EvalResult; state: EvalState } {
  const ctx = contextOf(event, state.lastMs ?? 0);
  const ex = evaluateExeclave(compiled.execlave, ctx, state);
  const pre = compiled.preloop.length ? evaluatePreloop(compiled.preloop, ctx) : NONE;
  const sen = compiled.sentinel.length ? evaluateSentinel(compiled.sentinel, ctx, state.sentinel) : NONE;
  const trace = pre.trace.length || sen.trace.length ? [...ex.trace, ...pre.trace, ...sen.trace] : ex.trace;
  if (ctx.clockAssumption) {
    const timed = trace.find((t) => t.status === 'fired' || t.status === 'passed');
    if (timed) timed.assumption = [timed.assumption, ctx.clockAssumption].filter(Boolean).join('; ');
  }
  const result = decide(trace, iso(ctx.atMs), pre.workflow);
  return {
    result,
    state: {
      lastMs: ctx.atMs,
      execlave: nextExeclaveState(compiled.execlave, ex.applied, ctx, result.decision, state.execlave),
      sentinel: compiled.sentinel.length
        ? nextSentinelState(sen, ctx, result.decision, state.sentinel)
        : state.sentinel,
    },
  };
}

/** Runs events in order, the state of each feeding the next. */
export function runEvents(
  compiled: CompiledPolicies,
  events: readonly EvalEvent[],
  state: EvalState = emptyState(),
): { results: EvalResult[]; state: EvalState } {
  const results: EvalResult[] = [];
  let s = state;
  for (const e of events) {
    const r = evaluate(compiled, e, s);
    results.push(r.result);
    s = r.state;
  }
  return { results, state: s };
}
