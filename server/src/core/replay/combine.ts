import type { EventContext } from '../eval/context';
import { WARNING_EFFECTS } from '../eval/decision';
import { evaluate, type CompiledPolicies } from '../eval/engine';
import { advancePolicyState, chainGate, type ChainOutcome } from '../eval/execlave';
import { emptyState, type EvalState } from '../eval/state';
import type { Decision } from '../eval/types';
import { ClockOrder } from './decode';
import { OutcomeTable } from './outcome';
import { FIRED, NA, STATEFUL, verdictOf, WARNED, type Digest, type SplitPlan } from './split';
import type { ReplayTally } from './tally';

const NO_EVENT = {};
const NO_VARS = (): Record<string, unknown> => ({});
const NONE: string[] = [];

/**
 * The second stage of a split replay (split.ts): takes the digests in file order, checks the
 * clocks' order, decides each side from its verdicts, its chain and its state, and adds the pair
 * to the tally. It decides exactly as `evaluate` does (the decision, the policies that make it and
 * the state after the event); it only skips what a replay does not read (the trace, messages).
 */
export class Combiner {
  private readonly order = new ClockOrder();
  private readonly states: [EvalState, EvalState] = [emptyState(), emptyState()];
  readonly tables: [OutcomeTable, OutcomeTable] = [new OutcomeTable(), new OutcomeTable()];
  private readonly compiled: [CompiledPolicies, CompiledPolicies];
  private readonly chain: [ChainOutcome[], ChainOutcome[]];
  private readonly applied: [boolean[], boolean[]];
  /**
   * Whether two policies of a side share a name: only then is a name looked for in an event's list
   * before it is added (2,000 policies firing on every event made each event cost 2,000² looks).
   */
  private readonly repeats: [boolean, boolean];
  /** What a rule that keeps state reads of the event: its clock and cost (CompiledRule.tracks). */
  private readonly ctx: EventContext = { event: NO_EVENT, atMs: 0, cost: 0, agentId: undefined };
  /** Where the pair is, for the tally's examples (which copy it). */
  private readonly where: { line: number; file?: string } = { line: 0 };

  constructor(
    private readonly plan: SplitPlan,
    sides: { baseline: CompiledPolicies; current: CompiledPolicies },
    private readonly tally: ReplayTally,
  ) {
    this.compiled = [sides.baseline, sides.current];
    this.chain = [0, 1].map((s) => new Array<ChainOutcome>(plan.policies[s].length)) as [
      ChainOutcome[],
      ChainOutcome[],
    ];
    this.applied = [0, 1].map((s) => new Array<boolean>(plan.policies[s].length)) as [boolean[], boolean[]];
    this.repeats = [0, 1].map(
      (s) => new Set(plan.policies[s].map((p) => p.name)).size < plan.policies[s].length,
    ) as [boolean, boolean];
  }

  consume(d: Digest, file: string | undefined): void {
    const tally = this.tally;
    tally.line();
    if (d.findings)
      for (const f of d.findings) {
        if (file !== undefined) f.file = file;
        tally.finding(f);
      }
    if (!d.event) return;
    if (!Number.isNaN(d.clockMs)) {
      const late = this.order.check(d.clockMs, d.line, file);
      if (late) {
        if (file !== undefined) late.file = file;
        tally.finding(late);
      }
    }
    let b: number;
    let c: number;
    if (d.full) {
      b = this.full(0, d.full);
      c = this.full(1, d.full);
    } else {
      this.ctx.atMs = Number.isNaN(d.clockMs) ? (this.states[0].lastMs ?? 0) : d.clockMs;
      this.ctx.cost = d.cost;
      b = this.side(0, d.codes, 0);
      c = this.side(1, d.codes, this.plan.policies[0].length);
    }
    const where = this.where;
    where.line = d.line;
    where.file = file;
    tally.pair(where, d.agent, this.tables[0].get(b), this.tables[1].get(c));
  }

  /** An event the first stage could not digest: `evaluate` on it, with the side's state. */
  private full(s: 0 | 1, event: Digest['full'] & object): number {
    const r = evaluate(this.compiled[s], event, this.states[s]);
    this.states[s] = r.state;
    return this.tables[s].idOf(r.result);
  }

  /** One side's decision from its verdicts: the chain in order, state-keeping rules run here. */
  private side(s: 0 | 1, codes: Uint8Array, offset: number): number {
    const policies = this.plan.policies[s];
    const chain = this.chain[s];
    const applied = this.applied[s];
    const state = this.states[s];
    const ctx = this.ctx;
    let blockers: string[] | undefined;
    let approvers: string[] | undefined;
    let warners: string[] | undefined;
    const add = this.repeats[s] ? addOnce : append;
    for (let i = 0; i < policies.length; i++) {
      const p = policies[i];
      let code = codes[offset + i];
      if (code !== NA && p.prerequisites.length && chainGate(p, chain)) code = NA;
      if (code === STATEFUL) code = verdictOf(p.rule.evaluate(ctx, state.execlave[p.name], NO_VARS, true));
      if (code === NA) {
        chain[i] = 'not run';
        applied[i] = false;
        continue;
      }
      applied[i] = true;
      if (code === FIRED) {
        chain[i] = 'violated';
        const e = p.effect;
        if (e === 'block') blockers = add(blockers, p.name);
        else if (e === 'require_approval') approvers = add(approvers, p.name);
        else if (WARNING_EFFECTS.has(e)) warners = add(warners, p.name);
      } else {
        chain[i] = 'passed';
        if (code === WARNED) warners = add(warners, p.name);
      }
    }
    const decision: Decision = blockers
      ? 'block'
      : approvers
        ? 'require_approval'
        : warners
          ? 'warn'
          : 'allow';
    state.lastMs = ctx.atMs;
    // As nextExeclaveState, in place: this stage's states are its own (`evaluate` never changes
    // the state it is given, so those it returned for whole events are ours too).
    const went = decision === 'allow' || decision === 'warn';
    for (let i = 0; i < policies.length; i++) {
      const tracks = policies[i].rule.tracks;
      if (applied[i] && tracks) {
        const name = policies[i].name;
        advancePolicyState(tracks, (state.execlave[name] ??= {}), ctx, went);
      }
    }
    return this.tables[s].idFor(decision, blockers ?? approvers ?? warners ?? NONE);
  }
}

/** Appends a name once, in evaluation order (as `decidingPolicies` lists them). */
function addOnce(list: string[] | undefined, name: string): string[] {
  if (!list) return [name];
  if (!list.includes(name)) list.push(name);
  return list;
}

/** Appends a name that cannot be in the list yet (the side's names are all different). */
function append(list: string[] | undefined, name: string): string[] {
  if (!list) return [name];
  list.push(name);
  return list;
}
