import { DEFAULT_CHAIN_TRIGGER, DEFAULT_EVALUATION_ORDER, looksLikeId } from '../chain/policy';
import { evaluationOrder } from '../chain/order';
import { isObj, num, str, strings, type EventContext, type Obj } from './context';
import { effectOfMode } from './decision';
import { compileRule, type CompiledRule } from './execlave-types';
import { dayOf, periodOf, type EvalState, type ExeclavePolicyState } from './state';
import type { Decision, Effect, PolicySource, TraceEntry } from './types';

/** One Execlave bundle, compiled: its rule (CEL included) is built once per policy version. */
export interface CompiledExeclave {
  name: string;
  source: string;
  policyType: string;
  mode: string;
  effect: Effect;
  modeAssumption?: string;
  isActive: boolean;
  appliesToAgents: string[];
  chainTrigger: string;
  /** The prerequisites as written, each with the compiled policies it names (none: missing). */
  prerequisites: { ref: string; targets: number[]; note?: string }[];
  rule: CompiledRule;
  /** Legacy keys read in place of the current ones (`config`, `agentIds`, `active`). */
  legacy?: string;
}

/**
 * Compiles the bundles and puts them in the chain's evaluation order: the same order
 * `policylens chain` prints (prerequisites first, then `evaluationOrder`, then the name).
 */
export function compileExeclave(sources: readonly PolicySource[]): CompiledExeclave[] {
  const bundles = sources.map((s) => bundleOf(s));
  const byName = new Map<string, number[]>();
  bundles.forEach((b, i) => byName.set(b.name, [...(byName.get(b.name) ?? []), i]));
  for (const b of bundles)
    b.prerequisites = b.prerequisites.map(({ ref }) => {
      if (ref === b.name) return { ref, targets: [], note: 'names itself' };
      const targets = byName.get(ref) ?? [];
      if (targets.length) return { ref, targets };
      return { ref, targets, note: looksLikeId(ref) ? 'a live policy id, not resolved offline' : 'missing' };
    });
  const order = evaluationOrder(
    bundles.map((b, i) => ({
      id: String(i),
      name: b.name,
      evaluationOrder: b.evaluationOrder,
      prerequisites: b.prerequisites.flatMap((p) => p.targets.map(String)),
      index: i,
    })),
  );
  // Prerequisite targets are renumbered to positions in evaluation order.
  const position = new Map(order.map((o, pos) => [o.item.index, pos]));
  return order.map((o) => {
    const b = bundles[o.item.index];
    const { evaluationOrder: _order, ...rest } = b;
    return {
      ...rest,
      prerequisites: b.prerequisites.map((p) => ({ ...p, targets: p.targets.map((t) => position.get(t)!) })),
    };
  });
}

function bundleOf(s: PolicySource): CompiledExeclave & { evaluationOrder: number } {
  const v: Obj = isObj(s.value) ? s.value : {};
  const legacy: string[] = [];
  const read = (current: string, old: string): unknown => {
    if (v[current] === undefined && v[old] !== undefined) {
      legacy.push(`${old} → ${current}`);
      return v[old];
    }
    return v[current];
  };
  const name = str(v.name) || s.uri;
  const policyType = str(v.policyType) ?? '';
  const rule = read('ruleDefinition', 'config');
  const mode = v.enforcementMode;
  const { effect, assumption } = effectOfMode(mode);
  return {
    name,
    source: s.uri,
    policyType,
    mode: typeof mode === 'string' ? mode : String(mode),
    effect,
    ...(assumption ? { modeAssumption: assumption } : {}),
    isActive: read('isActive', 'active') !== false,
    appliesToAgents: strings(read('appliesToAgents', 'agentIds')),
    chainTrigger: str(v.chainTrigger) ?? DEFAULT_CHAIN_TRIGGER,
    evaluationOrder: num(v.evaluationOrder) ?? DEFAULT_EVALUATION_ORDER,
    prerequisites: strings(v.prerequisites).map((ref) => ({ ref, targets: [] })),
    rule: compileRule(policyType, isObj(rule) ? rule : {}, name),
    ...(legacy.length ? { legacy: `legacy keys read: ${legacy.join(', ')}` } : {}),
  };
}

/** An event Execlave decides on: an enforce request (anything but a bare tool call or action). */
export function isEnforceRequest(ctx: EventContext): boolean {
  const e = ctx.event;
  const fields = [
    'input',
    'output',
    'agentId',
    'agentName',
    'tools',
    'estimatedCost',
    'cost',
    'environment',
    'metadata',
    'phase',
  ];
  if (fields.some((k) => (e as Record<string, unknown>)[k] !== undefined)) return true;
  return (
    e.tool === undefined && e.action === undefined && e.request === undefined && e.response === undefined
  );
}

/** The §1.6 CEL context of an event, built once per event. */
function celVars(ctx: EventContext): Record<string, unknown> {
  const e = ctx.event;
  return {
    input: e.input ?? '',
    output: e.output ?? '',
    agentId: ctx.agentId ?? '',
    agentName: e.agentName ?? '',
    environment: e.environment ?? '',
    tools: strings(e.tools),
    metadata: isObj(e.metadata) ? e.metadata : {},
    cost: ctx.cost,
    orgId: e.orgId ?? '',
    now: BigInt(Math.floor(ctx.atMs / 1000)),
    phase: e.phase ?? (e.output !== undefined ? 'post' : 'pre'),
  };
}

type Outcome = 'violated' | 'passed' | 'not run';

const base = (p: CompiledExeclave): Pick<TraceEntry, 'dialect' | 'policy' | 'type' | 'source'> => ({
  dialect: 'execlave',
  policy: p.name,
  type: p.policyType,
  source: p.source,
});

/** Why the chain skips a policy, or undefined when its trigger lets it run. */
function chainGate(
  p: CompiledExeclave,
  outcomes: Outcome[],
  all: readonly CompiledExeclave[],
): Partial<TraceEntry> | undefined {
  if (!p.prerequisites.length) return undefined;
  for (const pre of p.prerequisites) {
    if (!pre.targets.length)
      return {
        reason: `prerequisite "${pre.ref}" ${pre.note === 'names itself' ? 'names the policy itself' : `is ${pre.note ?? 'missing'}`}`,
        message: 'audit: policy.chain.skipped (fail-closed for the chain, not for the request)',
      };
    if (pre.targets.every((t) => !all[t].isActive))
      return {
        reason: `prerequisite "${pre.ref}" is inactive`,
        message: 'audit: policy.chain.skipped (fail-closed for the chain, not for the request)',
      };
  }
  const outcomeOf = (pre: CompiledExeclave['prerequisites'][number]): Outcome => {
    const os = pre.targets.map((t) => outcomes[t] ?? 'not run');
    return os.includes('violated') ? 'violated' : os.every((o) => o === 'passed') ? 'passed' : 'not run';
  };
  const trigger = p.chainTrigger;
  if (trigger === 'always') return undefined;
  if (trigger === 'any_violated') {
    if (p.prerequisites.some((pre) => outcomeOf(pre) === 'violated')) return undefined;
    return { reason: 'no prerequisite violated', message: 'audit: policy.chain.skipped' };
  }
  const unknown =
    trigger === 'all_passed'
      ? undefined
      : `chainTrigger ${JSON.stringify(trigger)} is not documented; read as all_passed (the default)`;
  for (const pre of p.prerequisites) {
    const o = outcomeOf(pre);
    if (o === 'violated')
      return {
        reason: `prerequisite "${pre.ref}" violated`,
        message: 'audit: policy.chain.skipped',
        ...(unknown ? { assumption: unknown } : {}),
      };
    if (o === 'not run')
      return {
        reason: `prerequisite "${pre.ref}" did not run`,
        message: 'audit: policy.chain.skipped',
        assumption:
          'all_passed needs every prerequisite to have run and passed; one that was skipped or not applicable did not pass',
      };
  }
  return unknown ? { assumption: unknown } : undefined;
}

function joinAssumptions(...xs: (string | undefined)[]): string | undefined {
  const s = xs.filter(Boolean).join('; ');
  return s || undefined;
}

/** Runs every bundle in chain order over one event. */
export function evaluateExeclave(
  policies: readonly CompiledExeclave[],
  ctx: EventContext,
  state: EvalState,
): { trace: TraceEntry[]; applied: boolean[] } {
  const trace: TraceEntry[] = [];
  const outcomes: Outcome[] = [];
  const applied: boolean[] = [];
  const request = isEnforceRequest(ctx);
  let vars: Record<string, unknown> | undefined;
  const lazyVars = () => (vars ??= celVars(ctx));
  policies.forEach((p, i) => {
    outcomes[i] = 'not run';
    applied[i] = false;
    const entry = (e: Partial<TraceEntry> & Pick<TraceEntry, 'status'>): void => {
      const assumption = joinAssumptions(e.assumption, p.legacy);
      trace.push({ ...base(p), ...e, ...(assumption ? { assumption } : {}) });
    };
    if (!request) return entry({ status: 'not applicable', reason: 'the event is not an enforce request' });
    if (!p.isActive) return entry({ status: 'not applicable', reason: 'inactive' });
    if (p.appliesToAgents.length) {
      const ids = [ctx.agentId, ctx.event.agentName].filter((x): x is string => !!x);
      if (!ids.some((id) => p.appliesToAgents.includes(id)))
        return entry({
          status: 'not applicable',
          reason: 'agent',
          message: `applies to ${p.appliesToAgents.join(', ')}`,
          assumption:
            'appliesToAgents is matched against agentId and agentName (its element type is not public)',
        });
    }
    const gate = chainGate(p, outcomes, policies);
    if (gate) return entry({ status: 'skipped', ...gate });
    const out = p.rule.evaluate(ctx, state.execlave[p.name], lazyVars);
    const assumption = joinAssumptions(out.assumption, out.fired ? p.modeAssumption : undefined);
    const extra = {
      ...(out.message ? { message: out.message } : {}),
      ...(assumption ? { assumption } : {}),
      ...(out.details ? { details: out.details } : {}),
    };
    if (out.notApplicable) return entry({ status: 'not applicable', reason: out.notApplicable });
    if (out.notEvaluated) return entry({ status: 'not evaluated', reason: out.notEvaluated, ...extra });
    applied[i] = true;
    outcomes[i] = out.fired ? 'violated' : 'passed';
    if (out.fired) entry({ status: 'fired', effect: p.effect, ...extra });
    else entry({ status: 'passed', ...extra, ...(out.warning ? { warning: out.warning } : {}) });
  });
  return { trace, applied };
}

/**
 * The state after the event: each applied policy that counts requests records this one; each that
 * counts spend adds the event's cost when the request went through (allowed, with or without
 * warnings), since a blocked or pending request spends nothing.
 */
export function nextExeclaveState(
  policies: readonly CompiledExeclave[],
  applied: readonly boolean[],
  ctx: EventContext,
  decision: Decision,
  state: Record<string, ExeclavePolicyState>,
): Record<string, ExeclavePolicyState> {
  let next = state;
  const went = decision === 'allow' || decision === 'warn';
  policies.forEach((p, i) => {
    const tracks = p.rule.tracks;
    if (!applied[i] || !tracks) return;
    const old = next[p.name] ?? {};
    const upd: ExeclavePolicyState = { ...old };
    if (tracks.requests)
      upd.requests = [...(old.requests ?? []).filter((t) => t > ctx.atMs - 3_600_000), ctx.atMs];
    if (tracks.spend && went && ctx.cost) {
      if (tracks.spend === 'day') {
        const day = dayOf(ctx.atMs);
        upd.daySpent = (old.day === day ? (old.daySpent ?? 0) : 0) + ctx.cost;
        upd.day = day;
      } else {
        const period = periodOf(ctx.atMs, tracks.resetDay ?? 1);
        upd.monthSpent = (old.period === period ? (old.monthSpent ?? 0) : 0) + ctx.cost;
        upd.period = period;
      }
    }
    if (next === state) next = { ...state };
    next[p.name] = upd;
  });
  return next;
}
