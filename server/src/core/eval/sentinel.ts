import { isObj, nanoUsd, strings, type EventContext } from './context';
import { countIn, firstIn } from './timeLog';
import { detectPii } from './pii';
import { constraintViolations, pyRepr, ungrounded } from './sentinel-checks';
import { mergeConfigs, SCOPE_ORDER, type SentinelConfig, type SentinelPolicy } from './sentinel-config';
import type { Evidence, SentinelState } from './state';
import type { TraceEntry } from './types';

/** What the run of checks found: the trace, and the merged config for the state update. */
export interface SentinelRun {
  trace: TraceEntry[];
  config?: SentinelConfig;
}

function scopeTarget(ctx: EventContext, scope: string): string | undefined {
  const e = ctx.event as Record<string, unknown>;
  switch (scope) {
    case 'agent':
      return ctx.agentId;
    case 'run':
      return ctx.event.run_id;
    case 'group':
      return typeof e.group_id === 'string' ? e.group_id : undefined;
    case 'mission':
      return typeof e.mission_id === 'string' ? e.mission_id : undefined;
    default:
      return undefined;
  }
}

/** The policies that apply to the event, in merge order, and why the others do not. */
function applicable(
  policies: readonly SentinelPolicy[],
  ctx: EventContext,
  trace: TraceEntry[],
): SentinelPolicy[] {
  const out: SentinelPolicy[] = [];
  for (const p of policies) {
    const skip = (reason: string) =>
      trace.push({
        dialect: 'agentsentinel',
        policy: p.name,
        type: 'policy',
        source: p.source,
        status: 'not applicable',
        reason,
      });
    if (!p.enabled) skip('disabled');
    else if (p.scope === 'local' || p.scope === 'global') out.push(p);
    else if (!SCOPE_ORDER.includes(p.scope)) skip(`unknown scope ${JSON.stringify(p.scope)}`);
    else if (p.targetId !== undefined && p.targetId === scopeTarget(ctx, p.scope)) out.push(p);
    else skip(`scope ${p.scope} ${JSON.stringify(p.targetId ?? '')} does not match the event`);
  }
  return out.sort((a, b) => SCOPE_ORDER.indexOf(a.scope) - SCOPE_ORDER.indexOf(b.scope));
}

interface Check {
  name: string;
  /** Undefined: not configured for this action, no line in the trace. */
  run(): Partial<TraceEntry> | 'passed' | undefined;
}

const f4 = (n: number) => n.toFixed(4);

/** The SDK's `requires_approval`: no criterion configured means every action needs approval. */
function approvalReason(
  c: SentinelConfig,
  ctx: EventContext,
  action: string,
  cost: number,
): string | undefined {
  if (!c.requireApproval) return undefined;
  const tags = strings(ctx.event.tags);
  const risk = (ctx.event.risk_level ?? '').toLowerCase();
  if (c.approvalActions.includes(action)) return `'${action}' is in approval_actions`;
  const tag = tags.find((t) => c.approvalTags.includes(t));
  if (tag) return `tag '${tag}' is in approval_tags`;
  if (risk && c.approvalRiskLevels.includes(risk)) return `risk level '${risk}' is in approval_risk_levels`;
  if (c.approvalThreshold !== undefined && cost >= c.approvalThreshold)
    return `cost ${f4(cost)} >= approval_threshold_usd ${f4(c.approvalThreshold)}`;
  const none =
    !c.approvalActions.length &&
    !c.approvalTags.length &&
    !c.approvalRiskLevels.length &&
    c.approvalThreshold === undefined;
  return none ? 'require_approval is on and no criterion narrows it: every action needs approval' : undefined;
}

function checksFor(c: SentinelConfig, ctx: EventContext, state: SentinelState, action: string): Check[] {
  const e = ctx.event;
  const cost = typeof e.cost_usd === 'number' ? e.cost_usd : 0;
  const args = isObj(e.args) ? e.args : {};
  const session = e.session_id ?? '';
  const run = e.run_id;
  const now = ctx.atMs;
  const policyErr = (message: string) => ({ errorCode: 'POLICY_VIOLATION', message });
  const budget = (type: string, spent: number, limit: number, label: string, assumption?: string) => {
    // The SDK adds floats (its `spent + cost > limit`): 0.2 + 0.1 is 0.30000000000000004, over a
    // 0.3 budget, and its message, in 4 decimals, then reads as if it were not. Say why.
    const float =
      nanoUsd(spent) + nanoUsd(cost) <= nanoUsd(limit)
        ? `the SDK adds in binary floating point: ${spent} + ${cost} = ${spent + cost}, more than ${limit}`
        : undefined;
    const why = [assumption, float].filter((a) => a !== undefined).join('; ');
    return {
      errorCode: 'BUDGET_EXCEEDED',
      message: `${label} budget exceeded: ${f4(spent)} + ${f4(cost)} > ${f4(limit)} USD`,
      details: { budget_type: type },
      ...(why ? { assumption: why } : {}),
    };
  };
  const runEvidence = (ev: Evidence) => run === undefined || ev.run === run;
  const required = c.evidenceRequirements[action];
  const maxAge = c.evidenceMaxAge[action];
  const guard = (kind: 'pii' | 'moderation' | 'loop', code: string): Check => ({
    name: `guardrails.${kind}`,
    run() {
      const g = c.guardrails[kind];
      if (!g.all && !g.actions.includes(action)) return undefined;
      const signal = isObj(e.signals) ? e.signals[kind] : undefined;
      const builtin =
        kind === 'pii' &&
        detectPii(JSON.stringify(args), ['ssn', 'credit_card', 'email', 'phone']).length > 0;
      if (!signal && !builtin) return 'passed';
      return {
        errorCode: 'POLICY_VIOLATION',
        reasonCode: code,
        message: `Action '${action}' blocked: ${code}`,
        assumption: `${kind} verdicts come from signals${kind === 'pii' ? ' or the built-in detectors over the arguments' : ''}; the message wording is not public`,
      };
    },
  });
  return [
    {
      name: 'kill_switch',
      run: () =>
        isObj(e.signals) && e.signals.agent_killed === true
          ? {
              errorCode: 'AGENT_KILLED',
              message: `Agent is killed`,
              assumption: 'the kill switch state comes from signals.agent_killed',
            }
          : undefined,
    },
    {
      name: 'denied_actions',
      run: () =>
        c.denied.includes(action)
          ? policyErr(`Action '${action}' is on the denied list`)
          : c.denied.length
            ? 'passed'
            : undefined,
    },
    {
      name: 'allowed_actions',
      run: () =>
        !c.allowed
          ? undefined
          : c.allowed.includes(action)
            ? 'passed'
            : policyErr(`Action '${action}' is not on the allowed list. Permitted: ${pyRepr(c.allowed)}`),
    },
    {
      name: 'rate_limits',
      run() {
        const rl = c.rateLimits[action];
        if (!rl) return undefined;
        const windowMs = rl.window_seconds * 1000;
        const calls = state.calls[action];
        if (countIn(calls, now - windowMs, now) < rl.max_count) return 'passed';
        const first = firstIn(calls, now - windowMs, now) ?? Infinity;
        const retry = Math.max(0, Math.ceil((first + windowMs - now) / 1000));
        return {
          ...policyErr(
            `Rate limit exceeded for action '${action}': ${rl.max_count} calls per ${rl.window_seconds}s. Retry in ${retry}s`,
          ),
          assumption:
            'a sliding window over the allowed calls of the action; the retry time is rounded up to whole seconds',
        };
      },
    },
    {
      name: 'budgets.session',
      run() {
        if (c.sessionBudget === undefined) return undefined;
        const spent = state.sessions.get(session) ?? 0;
        return spent + cost > c.sessionBudget
          ? budget('session', spent, c.sessionBudget, 'Session')
          : 'passed';
      },
    },
    {
      name: 'budgets.run',
      run() {
        if (c.runBudget === undefined) return undefined;
        const spent = state.runs.get(run ?? '') ?? 0;
        return spent + cost > c.runBudget
          ? budget('run', spent, c.runBudget, 'Run', 'the run budget message follows the session one')
          : 'passed';
      },
    },
    {
      name: 'budgets.actions',
      run() {
        const limit = c.actionBudgets[action];
        if (limit === undefined) return undefined;
        const spent = state.actions.get(action) ?? 0;
        return spent + cost > limit
          ? budget(
              'action',
              spent,
              limit,
              `Action '${action}'`,
              'the action budget message follows the session one',
            )
          : 'passed';
      },
    },
    {
      name: 'evidence.requirements',
      run() {
        if (!required?.length) return undefined;
        const have = state.evidence.filter(runEvidence);
        const missing = required.filter((r) => !have.some((ev) => ev.action === r));
        if (missing.length)
          return {
            errorCode: 'EVIDENCE_VIOLATION',
            reasonCode: 'MISSING_EVIDENCE',
            message: `Action '${action}' requires evidence from: ${pyRepr(required)}`,
            details: { missing_requirements: missing, required_prior_actions: required },
          };
        if (maxAge === undefined) return 'passed';
        const stale = required.filter(
          (r) => !have.some((ev) => ev.action === r && now - ev.atMs <= maxAge * 1000),
        );
        if (!stale.length) return 'passed';
        return {
          errorCode: 'EVIDENCE_VIOLATION',
          reasonCode: 'STALE_EVIDENCE',
          message: `Action '${action}' requires evidence from: ${pyRepr(required)}`,
          details: { stale_evidence: stale, max_age_seconds: maxAge },
          assumption:
            'stale evidence reports the same message as missing evidence, with reason STALE_EVIDENCE',
        };
      },
    },
    {
      name: 'argument_constraints',
      run() {
        const schema = c.argumentConstraints[action];
        if (!schema) return undefined;
        if (!Object.keys(args).length)
          return { status: 'passed', message: 'no arguments: the check is skipped (SDK)' };
        const unchecked: string[] = [];
        const violations = constraintViolations(schema, args, unchecked);
        if (!violations.length)
          return unchecked.length
            ? {
                status: 'passed',
                message: `the pattern of ${unchecked.map((f) => `'${f}'`).join(', ')} is no regular expression: not checked (the SDK's re.search would raise on it)`,
              }
            : 'passed';
        return {
          errorCode: 'EVIDENCE_VIOLATION',
          reasonCode: 'ARGUMENT_CONSTRAINT_VIOLATED',
          message: `Action '${action}' argument constraints violated: ${pyRepr(violations)}`,
          details: { argument_violations: violations },
          assumption: 'remediation reason codes travel on EVIDENCE_VIOLATION',
        };
      },
    },
    guard('pii', 'PII_DETECTED'),
    guard('moderation', 'CONTENT_MODERATED'),
    guard('loop', 'LOOP_DETECTED'),
    {
      name: 'grounding_rules',
      run() {
        const rules = c.groundingRules[action];
        if (!rules) return undefined;
        const fresh = state.evidence.filter(
          (ev) => ev.run === run && (maxAge === undefined || now - ev.atMs <= maxAge * 1000),
        );
        const bad = ungrounded(rules, args, fresh);
        if (!bad.length) return 'passed';
        return {
          errorCode: 'EVIDENCE_VIOLATION',
          reasonCode: 'UNGROUNDED_ARGUMENT',
          message: `Action '${action}' arguments not grounded in evidence: ${pyRepr(bad)}`,
          details: { ungrounded: bad },
          assumption: 'remediation reason codes travel on EVIDENCE_VIOLATION',
        };
      },
    },
    {
      name: 'approval',
      run() {
        const why = approvalReason(c, ctx, action, cost);
        if (!c.requireApproval) return undefined;
        if (!why) return 'passed';
        return {
          effect: 'require_approval',
          message: `Action '${action}' requires approval: ${why}`,
          details: { approval_timeout_seconds: c.approvalTimeout ?? 3600 },
          assumption: "the approval message wording is ours; the criteria are the SDK's requires_approval",
        };
      },
    },
  ];
}

/**
 * Agent Sentinel over one guarded action: the policies that apply are merged (§3.4), then the
 * SDK's `check_action` order runs and the first failing check decides (the SDK raises there).
 */
export function evaluateSentinel(
  policies: readonly SentinelPolicy[],
  ctx: EventContext,
  state: SentinelState,
): SentinelRun {
  const trace: TraceEntry[] = [];
  const action = ctx.event.action;
  if (!policies.length) return { trace };
  if (typeof action !== 'string') {
    for (const p of policies)
      trace.push({
        dialect: 'agentsentinel',
        policy: p.name,
        type: 'policy',
        source: p.source,
        status: 'not applicable',
        reason: 'the event has no action',
      });
    return { trace };
  }
  const apply = applicable(policies, ctx, trace);
  if (!apply.length) return { trace };
  const config = mergeConfigs(apply.map((p) => p.config));
  const source = apply.map((p) => p.name).join(' + ');
  const assumption =
    apply.some((p) => p.kind === 'callguard') && apply.length > 1
      ? 'callguard.yaml is merged first, before the platform policies, with the sync merge rules'
      : undefined;
  let decided = false;
  const before = trace.length;
  for (const check of checksFor(config, ctx, state, action)) {
    const base = { dialect: 'agentsentinel' as const, policy: check.name, type: 'check', source };
    if (decided) {
      if (check.run() !== undefined)
        trace.push({ ...base, status: 'skipped', reason: 'an earlier check decided' });
      continue;
    }
    const r = check.run();
    if (r === undefined) continue;
    if (r === 'passed') {
      trace.push({ ...base, status: 'passed' });
      continue;
    }
    if (r.status === 'passed') {
      trace.push({ ...base, ...r, status: 'passed' });
      continue;
    }
    const a = [r.assumption, assumption].filter(Boolean).join('; ');
    trace.push({
      ...base,
      status: 'fired',
      effect: r.effect ?? 'block',
      ...r,
      ...(a ? { assumption: a } : {}),
    });
    decided = true;
  }
  if (trace.length === before)
    trace.push({
      dialect: 'agentsentinel',
      policy: 'checks',
      type: 'check',
      source,
      status: 'passed',
      message: `no check is configured for '${action}'`,
    });
  return { trace, config };
}
