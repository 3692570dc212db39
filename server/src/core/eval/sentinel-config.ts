import { isObj, num, str, strings, type Obj } from './context';
import { dict } from './dict';

export interface RateLimit {
  max_count: number;
  window_seconds: number;
}

export interface GroundingRule {
  source_action: string;
  source_field: string;
  source_from: string;
}

/**
 * One Agent Sentinel policy in the SDK's `PolicyConfig` shape, whichever file it came from: a
 * platform policy (flat keys) or callguard.yaml (nested `budgets.*` and `evidence.*`).
 */
export interface SentinelConfig {
  sessionBudget?: number;
  runBudget?: number;
  actionBudgets: Record<string, number>;
  denied: string[];
  /** Undefined: no allowlist. */
  allowed?: string[];
  rateLimits: Record<string, RateLimit>;
  requireApproval: boolean;
  approvalActions: string[];
  approvalTags: string[];
  approvalRiskLevels: string[];
  approvalThreshold?: number;
  approvalTimeout?: number;
  evidenceRequirements: Record<string, string[]>;
  evidenceMaxAge: Record<string, number>;
  commitActions: string[];
  evidenceActions: string[];
  argumentConstraints: Record<string, Obj>;
  groundingRules: Record<string, Record<string, GroundingRule>>;
  /** SDK 0.2.0 guardrails: which actions scan for PII, moderation and loops. */
  guardrails: Record<'pii' | 'moderation' | 'loop', { all: boolean; actions: string[] }>;
}

/** A platform policy's applicability: `enabled`, `scope` and `target_id`. */
export interface SentinelPolicy {
  name: string;
  source: string;
  kind: 'callguard' | 'platform';
  enabled: boolean;
  scope: string;
  targetId?: string;
  config: SentinelConfig;
}

// The maps below are keyed by action names, so they are `dict`s: an action `constructor` has no
// rate limit unless the policy gives it one, and one named `__proto__` keeps its own.
function numberMap(v: unknown): Record<string, number> {
  const out = dict<number>();
  if (isObj(v)) for (const [k, x] of Object.entries(v)) if (num(x) !== undefined) out[k] = x as number;
  return out;
}

function listMap(v: unknown): Record<string, string[]> {
  const out = dict<string[]>();
  if (isObj(v)) for (const [k, x] of Object.entries(v)) out[k] = strings(x);
  return out;
}

function objMap(v: unknown): Record<string, Obj> {
  const out = dict<Obj>();
  if (isObj(v)) for (const [k, x] of Object.entries(v)) if (isObj(x)) out[k] = x;
  return out;
}

/** Rate limits with the SDK's defaults for missing keys (999999 calls, 60 s). */
function rateLimits(v: unknown): Record<string, RateLimit> {
  const out = dict<RateLimit>();
  for (const [k, x] of Object.entries(objMap(v)))
    out[k] = { max_count: num(x.max_count) ?? 999999, window_seconds: num(x.window_seconds) ?? 60 };
  return out;
}

function grounding(v: unknown): Record<string, Record<string, GroundingRule>> {
  const out = dict<Record<string, GroundingRule>>();
  for (const [action, fields] of Object.entries(objMap(v))) {
    out[action] = dict<GroundingRule>();
    for (const [field, r] of Object.entries(objMap(fields)))
      out[action][field] = {
        source_action: str(r.source_action) ?? '',
        source_field: str(r.source_field) ?? field,
        source_from: str(r.source_from) ?? 'result',
      };
  }
  return out;
}

function guardrail(v: Obj, rulesKey: string, defaultKey: string): { all: boolean; actions: string[] } {
  const rules = v[rulesKey];
  return { all: v[defaultKey] === true, actions: isObj(rules) ? Object.keys(rules) : strings(rules) };
}

/** Reads either layout into one shape; callguard.yaml carries no approval keys (§3.3). */
export function configOf(value: unknown, kind: 'callguard' | 'platform'): SentinelConfig {
  const v: Obj = isObj(value) ? value : {};
  const budgets = isObj(v.budgets) ? v.budgets : {};
  const evidence = isObj(v.evidence) ? v.evidence : {};
  const flat = kind === 'platform';
  const ev = (flatKey: string, nestedKey: string): unknown => (flat ? v[flatKey] : evidence[nestedKey]);
  const allowed = v.allowed_actions;
  return {
    ...(num(flat ? v.session_budget : budgets.session) !== undefined
      ? { sessionBudget: num(flat ? v.session_budget : budgets.session) }
      : {}),
    ...(num(flat ? v.run_budget : budgets.run) !== undefined
      ? { runBudget: num(flat ? v.run_budget : budgets.run) }
      : {}),
    actionBudgets: numberMap(flat ? v.action_budgets : budgets.actions),
    denied: strings(v.denied_actions),
    // The platform reads a non-empty list as allowlist mode; callguard.yaml any list at all.
    ...(Array.isArray(allowed) && (!flat || allowed.length) ? { allowed: strings(allowed) } : {}),
    rateLimits: rateLimits(v.rate_limits),
    requireApproval: flat && v.require_approval === true,
    approvalActions: flat ? strings(v.approval_actions) : [],
    approvalTags: flat ? strings(v.approval_tags) : [],
    approvalRiskLevels: flat ? strings(v.approval_risk_levels).map((r) => r.toLowerCase()) : [],
    ...(flat && num(v.approval_threshold_usd) !== undefined
      ? { approvalThreshold: num(v.approval_threshold_usd) }
      : {}),
    ...(flat && num(v.approval_timeout_seconds) ? { approvalTimeout: num(v.approval_timeout_seconds) } : {}),
    evidenceRequirements: listMap(ev('evidence_requirements', 'requirements')),
    evidenceMaxAge: numberMap(ev('evidence_max_age_seconds', 'max_age_seconds')),
    commitActions: strings(ev('commit_actions', 'commit_actions')),
    evidenceActions: strings(ev('evidence_actions', 'evidence_actions')),
    argumentConstraints: objMap(ev('argument_constraints', 'argument_constraints')),
    groundingRules: grounding(ev('grounding_rules', 'grounding_rules')),
    guardrails: {
      pii: guardrail(v, 'pii_rules', 'pii_default_enabled'),
      moderation: guardrail(v, 'moderation_rules', 'moderation_default_enabled'),
      loop: guardrail(v, 'loop_rules', 'loop_default_enabled'),
    },
  };
}

export function sentinelPolicyOf(uri: string, dialect: string, value: unknown): SentinelPolicy {
  const v: Obj = isObj(value) ? value : {};
  const kind = dialect === 'callguard' ? 'callguard' : 'platform';
  return {
    name: kind === 'callguard' ? uri : (str(v.name) ?? uri),
    source: uri,
    kind,
    enabled: kind === 'callguard' || v.enabled !== false,
    scope: kind === 'callguard' ? 'local' : (str(v.scope) ?? 'global'),
    ...(str(v.target_id) ? { targetId: str(v.target_id) } : {}),
    config: configOf(value, kind),
  };
}

const minOf = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined ? b : b === undefined ? a : Math.min(a, b);

const union = (a: string[], b: string[]): string[] => [...a, ...b.filter((x) => !a.includes(x))];

/**
 * Merges the policies that apply, in order, as the SDK merges a sync (reference §3.4): budgets
 * and per-action budgets the minimum; denied lists the union; allowlists the intersection; rate
 * limits the lowest `max_count` (the first window kept); `require_approval` OR; approval lists the
 * union; the threshold the minimum; the timeout the last one set; evidence requirements the union
 * per action; max ages the minimum; `argument_constraints` and `grounding_rules` the last policy
 * per action.
 */
export function mergeConfigs(configs: readonly SentinelConfig[]): SentinelConfig {
  const out = configOf({}, 'platform');
  for (const c of configs) {
    out.sessionBudget = minOf(out.sessionBudget, c.sessionBudget);
    out.runBudget = minOf(out.runBudget, c.runBudget);
    for (const [a, x] of Object.entries(c.actionBudgets))
      out.actionBudgets[a] = minOf(out.actionBudgets[a], x)!;
    out.denied = union(out.denied, c.denied);
    if (c.allowed)
      out.allowed = out.allowed ? out.allowed.filter((a) => c.allowed!.includes(a)) : [...c.allowed];
    for (const [a, r] of Object.entries(c.rateLimits)) {
      const old = out.rateLimits[a];
      out.rateLimits[a] = old ? { ...old, max_count: Math.min(old.max_count, r.max_count) } : { ...r };
    }
    out.requireApproval = out.requireApproval || c.requireApproval;
    out.approvalActions = union(out.approvalActions, c.approvalActions);
    out.approvalTags = union(out.approvalTags, c.approvalTags);
    out.approvalRiskLevels = union(out.approvalRiskLevels, c.approvalRiskLevels);
    out.approvalThreshold = minOf(out.approvalThreshold, c.approvalThreshold);
    if (c.approvalTimeout) out.approvalTimeout = c.approvalTimeout;
    for (const [a, xs] of Object.entries(c.evidenceRequirements))
      out.evidenceRequirements[a] = union(out.evidenceRequirements[a] ?? [], xs);
    for (const [a, x] of Object.entries(c.evidenceMaxAge))
      out.evidenceMaxAge[a] = minOf(out.evidenceMaxAge[a], x)!;
    out.commitActions = union(out.commitActions, c.commitActions);
    out.evidenceActions = union(out.evidenceActions, c.evidenceActions);
    Object.assign(out.argumentConstraints, c.argumentConstraints);
    Object.assign(out.groundingRules, c.groundingRules);
    for (const k of ['pii', 'moderation', 'loop'] as const)
      out.guardrails[k] = {
        all: out.guardrails[k].all || c.guardrails[k].all,
        actions: union(out.guardrails[k].actions, c.guardrails[k].actions),
      };
  }
  return out;
}

/** The order policies merge in: callguard.yaml, then global → agent → run → group → mission. */
export const SCOPE_ORDER = ['local', 'global', 'agent', 'run', 'group', 'mission'];
