import type { Effect, EvalResult, Status } from './types';

/**
 * Why a policy a failed expectation is about did what it did in the same run, from its trace
 * entry: a case that expected `finance-cost-cap` to fire says it was `skipped: prerequisite
 * "pii-guard" is missing`, so nobody has to run `policylens eval` to find out.
 */
export interface PolicyWhy {
  /** The index in the case's `failures` of the line this explains. */
  failure: number;
  policy: string;
  /** The trace entry's status; absent when no entry of the event's trace has this name. */
  status?: Status;
  reason?: string;
  /** What it does when it fired (block, log_only, …): a `warn` where `block` was expected says why. */
  effect?: Effect;
  /** What the policy said (its message, else its warning), when it fired or gives no reason. */
  message?: string;
}

/** An unmet expectation and the policies that explain it (the names its line is about). */
export interface Unmet {
  line: string;
  policies: string[];
}

/** The trace entries of the names, one each (its first entry), under failure `failure`. */
export function whyOf(r: EvalResult, names: readonly string[], failure: number): PolicyWhy[] {
  return [...new Set(names)].map((policy) => {
    const t = r.trace.find((e) => e.policy === policy);
    if (!t) return { failure, policy };
    // A reason says why a policy did not fire; its message then is an audit line, not news.
    const message = t.status === 'fired' || !t.reason ? (t.message ?? t.warning) : undefined;
    return {
      failure,
      policy,
      status: t.status,
      ...(t.reason ? { reason: t.reason } : {}),
      ...(t.status === 'fired' && t.effect ? { effect: t.effect } : {}),
      ...(message ? { message } : {}),
    };
  });
}

/** One explanation as a line: `"finance-cost-cap" skipped: prerequisite "pii-guard" is missing`. */
export function whyLine(w: PolicyWhy): string {
  if (!w.status) return `"${w.policy}" is not in the trace of this event`;
  const reason = w.reason ? `: ${w.reason}` : '';
  const effect = w.effect ? ` → ${w.effect}` : '';
  return `"${w.policy}" ${w.status}${effect}${reason}${w.message ? ` (${w.message})` : ''}`;
}

/**
 * A failed case's lines as every report shows them (text, JUnit, the editor's Test Explorer):
 * each unmet expectation, and under it, indented, why each policy it is about did what it did.
 */
export function failureLines(failures: readonly string[], why: readonly PolicyWhy[] = []): string[] {
  return failures.flatMap((line, i) => [
    line,
    ...why.filter((w) => w.failure === i).map((w) => `  ${whyLine(w)}`),
  ]);
}
