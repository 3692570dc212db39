import { DEFAULT_CHAIN_TRIGGER, DEFAULT_EVALUATION_ORDER } from '../chain/policy';
import { evaluationOrder } from '../chain/order';
import { isObj, num, str, strings, type EventContext, type Obj } from './context';
import { effectOfMode } from './decision';
import { dict } from './dict';
import { compileRule, type CompiledRule } from './execlave-types';
import { advancePolicyState } from './execlave-limits';
import { linkPrerequisites } from './execlave-links';
import type { EvalState, ExeclavePolicyState } from './state';
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
  prerequisites: { ref: string; targets: number[]; note?: string; name?: string }[];
  rule: CompiledRule;
  /**
   * What the rule's verdict depends on (its type, the policy's name, the definition as JSON): two
   * policies with the same key decide alike on every event (replay runs such a rule once).
   */
  ruleKey: string;
  /** Legacy keys read in place of the current ones (`config`, `agentIds`, `active`). */
  legacy?: string;
  /** Set when a prerequisite is missing or inactive: the chain always skips the policy. */
  broken?: { reason: string; message: string };
}

/**
 * Compiles the bundles and puts them in the chain's evaluation order: the same order
 * `policylens chain` prints (prerequisites first, then `evaluationOrder`, then the name).
 */
export function compileExeclave(
  sources: readonly PolicySource[],
  unresolvedIdHint?: string,
): CompiledExeclave[] {
  const bundles = sources.map((s) => bundleOf(s));
  const links = linkPrerequisites(bundles, sources, unresolvedIdHint);
  bundles.forEach((b, i) => (b.prerequisites = links[i]));
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
  const out = order.map((o) => {
    const b = bundles[o.item.index];
    const { evaluationOrder: _order, ...rest } = b;
    const compiled: CompiledExeclave = {
      ...rest,
      prerequisites: b.prerequisites.map((p) => ({ ...p, targets: p.targets.map((t) => position.get(t)!) })),
    };
    return compiled;
  });
  // Missing and inactive prerequisites do not change from one event to the next.
  for (const p of out)
    for (const pre of p.prerequisites) {
      if (!pre.targets.length) {
        const what = pre.note === 'names itself' ? 'names the policy itself' : `is ${pre.note ?? 'missing'}`;
        p.broken = { reason: `prerequisite "${pre.ref}" ${what}`, message: SKIPPED_CLOSED };
        break;
      }
      if (pre.targets.every((t) => !out[t].isActive)) {
        p.broken = { reason: `prerequisite "${pre.name ?? pre.ref}" is inactive`, message: SKIPPED_CLOSED };
        break;
      }
    }
  return out;
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
    ruleKey: ruleKeyOf(policyType, name, isObj(rule) ? rule : {}),
    ...(legacy.length ? { legacy: `legacy keys read: ${legacy.join(', ')}` } : {}),
  };
}

let uniqueKeys = 0;

function ruleKeyOf(policyType: string, name: string, rule: Obj): string {
  try {
    return `${policyType}\u0000${name}\u0000${JSON.stringify(rule)}`;
  } catch {
    // A value JSON cannot write (a cycle, a bigint): a key of its own, shared with no other policy.
    return `\u0001${++uniqueKeys}`;
  }
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
export function celVars(ctx: EventContext): Record<string, unknown> {
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

export type ChainOutcome = 'violated' | 'passed' | 'not run';

/** Why the chain skips a policy. */
interface Gate {
  reason?: string;
  message?: string;
  assumption?: string;
}

const SKIPPED_CLOSED = 'audit: policy.chain.skipped (fail-closed for the chain, not for the request)';
const SKIPPED = 'audit: policy.chain.skipped';
const NOT_RUN_ASSUMPTION =
  'all_passed needs every prerequisite to have run and passed; one that was skipped or not applicable did not pass';

/** What a prerequisite did: violated if any policy it names fired, passed if all passed. */
function outcomeOf(targets: readonly number[], outcomes: readonly ChainOutcome[]): ChainOutcome {
  let all = true;
  for (const t of targets) {
    const o = outcomes[t] ?? 'not run';
    if (o === 'violated') return 'violated';
    if (o !== 'passed') all = false;
  }
  return all ? 'passed' : 'not run';
}

/** Why the chain skips a policy, or undefined when its trigger lets it run. */
export function chainGate(p: CompiledExeclave, outcomes: readonly ChainOutcome[]): Gate | undefined {
  const pres = p.prerequisites;
  if (!pres.length) return undefined;
  if (p.broken) return p.broken;
  const trigger = p.chainTrigger;
  if (trigger === 'always') return undefined;
  if (trigger === 'any_violated') {
    for (const pre of pres) if (outcomeOf(pre.targets, outcomes) === 'violated') return undefined;
    return { reason: 'no prerequisite violated', message: SKIPPED };
  }
  const unknown =
    trigger === 'all_passed'
      ? undefined
      : `chainTrigger ${JSON.stringify(trigger)} is not documented; read as all_passed (the default)`;
  for (const pre of pres) {
    const o = outcomeOf(pre.targets, outcomes);
    if (o === 'violated')
      return {
        reason: `prerequisite "${pre.name ?? pre.ref}" violated`,
        message: SKIPPED,
        assumption: unknown,
      };
    if (o === 'not run')
      return {
        reason: `prerequisite "${pre.name ?? pre.ref}" did not run`,
        message: SKIPPED,
        assumption: NOT_RUN_ASSUMPTION,
      };
  }
  return unknown ? { assumption: unknown } : undefined;
}

function join2(a: string | undefined, b: string | undefined): string | undefined {
  return a ? (b ? `${a}; ${b}` : a) : b;
}

/**
 * One trace entry with every field present (undefined when not set, which JSON leaves out): all
 * entries share one shape, which keeps the loop over 50 policies and the decision over them fast.
 */
function entry(
  p: CompiledExeclave,
  status: TraceEntry['status'],
  reason: string | undefined,
  effect: TraceEntry['effect'],
  message: string | undefined,
  assumption: string | undefined,
  details?: Record<string, unknown>,
  warning?: string,
): TraceEntry {
  return {
    dialect: 'execlave',
    policy: p.name,
    type: p.policyType,
    source: p.source,
    status,
    reason,
    effect,
    message,
    assumption: join2(assumption, p.legacy),
    errorCode: undefined,
    reasonCode: undefined,
    details,
    warning,
  };
}

const AGENT_ASSUMPTION =
  'appliesToAgents is matched against agentId and agentName (its element type is not public)';

/** Runs every bundle in chain order over one event. */
export function evaluateExeclave(
  policies: readonly CompiledExeclave[],
  ctx: EventContext,
  state: EvalState,
): { trace: TraceEntry[]; applied: boolean[] } {
  const n = policies.length;
  const trace: TraceEntry[] = new Array(n);
  const outcomes: ChainOutcome[] = new Array(n).fill('not run');
  const applied: boolean[] = new Array(n).fill(false);
  const request = isEnforceRequest(ctx);
  let vars: Record<string, unknown> | undefined;
  const lazyVars = () => (vars ??= celVars(ctx));
  for (let i = 0; i < n; i++) {
    const p = policies[i];
    if (!request) {
      trace[i] = entry(
        p,
        'not applicable',
        'the event is not an enforce request',
        undefined,
        undefined,
        undefined,
      );
      continue;
    }
    if (!p.isActive) {
      trace[i] = entry(p, 'not applicable', 'inactive', undefined, undefined, undefined);
      continue;
    }
    if (p.appliesToAgents.length) {
      const agents = p.appliesToAgents;
      const name = ctx.event.agentName;
      if (!(ctx.agentId && agents.includes(ctx.agentId)) && !(name && agents.includes(name))) {
        trace[i] = entry(
          p,
          'not applicable',
          'agent',
          undefined,
          `applies to ${agents.join(', ')}`,
          AGENT_ASSUMPTION,
        );
        continue;
      }
    }
    const gate = chainGate(p, outcomes);
    if (gate) {
      trace[i] = entry(p, 'skipped', gate.reason, undefined, gate.message, gate.assumption);
      continue;
    }
    const out = p.rule.evaluate(ctx, state.execlave[p.name], lazyVars);
    if (out.notApplicable) {
      trace[i] = entry(p, 'not applicable', out.notApplicable, undefined, undefined, undefined);
      continue;
    }
    if (out.notEvaluated) {
      trace[i] = entry(
        p,
        'not evaluated',
        out.notEvaluated,
        undefined,
        out.message,
        out.assumption,
        out.details,
      );
      continue;
    }
    applied[i] = true;
    if (out.fired) {
      outcomes[i] = 'violated';
      const assumption = join2(out.assumption, p.modeAssumption);
      trace[i] = entry(p, 'fired', undefined, p.effect, out.message, assumption, out.details);
    } else {
      outcomes[i] = 'passed';
      trace[i] = entry(
        p,
        'passed',
        undefined,
        undefined,
        out.message,
        out.assumption,
        out.details,
        out.warning,
      );
    }
  }
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
  for (let i = 0; i < policies.length; i++) {
    const p = policies[i];
    const tracks = p.rule.tracks;
    if (!applied[i] || !tracks) continue;
    // A copy without a prototype, as emptyState's: the keys are policy names (`__proto__` too).
    if (next === state) next = Object.assign(dict<ExeclavePolicyState>(), state);
    advancePolicyState(tracks, (next[p.name] = { ...next[p.name] }), ctx, went);
  }
  return next;
}

export { advancePolicyState };
