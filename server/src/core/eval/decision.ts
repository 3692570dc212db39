import type { Decision, Effect, EvalResult, TraceEntry, Violation } from './types';

/**
 * An Execlave `enforcementMode` as the effect of a fired policy. `hard_block` (the runtime
 * guardrails page) and the legacy `log` are spellings of `block` and `log_only`; a mode no source
 * names blocks, the conservative reading, and the trace says so.
 */
export function effectOfMode(mode: unknown): { effect: Effect; assumption?: string } {
  switch (mode) {
    case 'block':
    case 'require_approval':
    case 'warn':
    case 'monitor':
    case 'log_only':
      return { effect: mode };
    case 'hard_block':
      return { effect: 'block', assumption: 'hard_block (runtime guardrails page) is read as block' };
    case 'log':
      return { effect: 'log_only', assumption: 'the legacy mode "log" is read as log_only' };
    default:
      return {
        effect: 'block',
        assumption: `enforcementMode ${JSON.stringify(mode)} is not documented; a fired policy blocks (fail-closed)`,
      };
  }
}

export const WARNING_EFFECTS = new Set<Effect>(['warn', 'monitor', 'log_only', 'redact']);

/**
 * The decision of a trace: `block` if any fired policy blocks; otherwise `require_approval`;
 * otherwise allowed, `warn` when a warn, monitor or log_only policy fired (or a budget passed its
 * warning threshold), `allow` when nothing did. This is the documented precedence
 * `block > require_approval > warn > monitor`, whatever the evaluation order.
 */
export function decide(trace: TraceEntry[], at: string, approvalWorkflow?: string): EvalResult {
  const violations: Violation[] = [];
  const warnings: Violation[] = [];
  let block = false;
  let approval = false;
  for (const t of trace) {
    if (t.status === 'fired' && t.effect) {
      const e = t.effect;
      if (e === 'block') block = true;
      else if (e === 'require_approval') approval = true;
      else if (!WARNING_EFFECTS.has(e)) continue;
      const v = { policyName: t.policy, policyType: t.type, enforcementMode: e, message: t.message ?? '' };
      if (e === 'block' || e === 'require_approval') violations.push(v);
      else warnings.push(v);
    } else if (t.warning)
      warnings.push({
        policyName: t.policy,
        policyType: t.type,
        enforcementMode: 'warn',
        message: t.warning,
      });
  }
  const decision: Decision = block
    ? 'block'
    : approval
      ? 'require_approval'
      : warnings.length
        ? 'warn'
        : 'allow';
  return {
    decision,
    allowed: !block && !approval,
    requiresApproval: !block && approval,
    violations,
    warnings,
    ...(approvalWorkflow && decision === 'require_approval' ? { approvalWorkflow } : {}),
    ...skippedByChain(trace),
    trace,
    at,
  };
}

/**
 * The Execlave policies the chain skipped, and why: the seed's "skippedByChain breakdown so chains
 * are reconstructible after the fact" (execlave-policy-chaining §06). The same entries are in the
 * trace, among the others; this is the chain's part on its own. Left out when nothing was skipped.
 */
function skippedByChain(trace: readonly TraceEntry[]): Pick<EvalResult, 'skippedByChain'> {
  const skipped = trace.filter((t) => t.dialect === 'execlave' && t.status === 'skipped');
  if (!skipped.length) return {};
  return { skippedByChain: skipped.map((t) => ({ policy: t.policy, reason: t.reason ?? '' })) };
}
