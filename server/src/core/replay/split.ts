import { contextOf } from '../eval/context';
import type { CompiledPolicies } from '../eval/engine';
import { celVars, isEnforceRequest, type CompiledExeclave } from '../eval/execlave';
import type { CompiledRule, RuleOutcome } from '../eval/execlave-types';
import type { EvalEvent } from '../eval/types';
import { decodeRecord } from './decode';
import type { ReplayFinding, ReplayInput } from './types';

/*
 * Replay's evaluation in two stages (docs/decisions/replay.md, "Speed"). What a policy decides
 * about an event without its state (an injection scan, a PII scan, a CEL expression, whether the
 * policy applies to the agent) depends on that event alone, so it can be worked out for any line
 * on any thread: `Digester`, here. What depends on the state (budgets, rate windows) and on the
 * chain (prerequisites) is worked out in file order, from those verdicts and the event's clock and
 * cost: `Combiner` (combine.ts). A rule both sides share (the same type, name and definition) is
 * run once per event for both.
 */

/** A policy's verdict on one event, before the chain: one byte per policy and side. */
export const NA = 0;
export const FIRED = 1;
export const PASSED = 2;
/** Passed, with a warning (a budget past its warning threshold): the decision is at least `warn`. */
export const WARNED = 3;
/** The policy applies and its rule keeps state: decided in file order (`Combiner`). */
export const STATEFUL = 4;

/** The verdict of a rule's outcome: not applicable and not evaluated both leave the policy out. */
export function verdictOf(out: RuleOutcome): number {
  if (out.notApplicable !== undefined || out.notEvaluated !== undefined) return NA;
  return out.fired ? FIRED : out.warning ? WARNED : PASSED;
}

/** The two sides' Execlave policies, and the stateless rules they share, numbered. */
export class SplitPlan {
  /** Bytes of verdicts per event: the baseline's policies, then the working tree's. */
  readonly width: number;
  /** The stateless rules of both sides, each once. */
  readonly rules: CompiledRule[] = [];
  /** Per side and policy, the index of its rule in `rules`, or -1 for a rule that keeps state. */
  readonly slots: [Int32Array, Int32Array];

  private constructor(readonly policies: readonly [CompiledExeclave[], CompiledExeclave[]]) {
    this.width = policies[0].length + policies[1].length;
    const byKey = new Map<string, number>();
    this.slots = [0, 1].map((s) =>
      Int32Array.from(policies[s].map((p) => (p.rule.tracks ? -1 : this.slotOf(p, byKey)))),
    ) as [Int32Array, Int32Array];
  }

  private slotOf(p: CompiledExeclave, byKey: Map<string, number>): number {
    let slot = byKey.get(p.ruleKey);
    if (slot === undefined) {
      slot = this.rules.length;
      this.rules.push(p.rule);
      byKey.set(p.ruleKey, slot);
    }
    return slot;
  }

  /**
   * The plan of two policy sets, or undefined when a side has Preloop or Agent Sentinel policies
   * (their evaluators read the whole event and, for Agent Sentinel, keep state on every call:
   * those replays run `evaluate` on each event, core/replay/side.ts).
   */
  static of(sides: { baseline: CompiledPolicies; current: CompiledPolicies }): SplitPlan | undefined {
    for (const c of [sides.baseline, sides.current])
      if (c.preloop.length || c.sentinel.length) return undefined;
    return new SplitPlan([sides.baseline.execlave, sides.current.execlave]);
  }
}

/** One line after the first stage. Reused from line to line: copy what must outlive the next. */
export interface Digest {
  line: number;
  /** Findings of the line itself (malformed, invalid, unknown fields); no `file`, no order check. */
  findings?: ReplayFinding[];
  /** False when the line is no event (its findings say why). */
  event: boolean;
  /** The event's own clock, NaN when it has none (the previous event's clock stands in). */
  clockMs: number;
  cost: number;
  agent?: string;
  /** `width` verdicts: the baseline's policies, then the working tree's. */
  codes: Uint8Array;
  /**
   * Set when the verdicts could not be worked out here: the event has no clock and this stage
   * does not know the previous event's (the first events of a part of the file). The second stage
   * then runs `evaluate` on it, with the clock its state holds.
   */
  full?: EvalEvent;
}

export function newDigest(width: number): Digest {
  return { line: 0, event: false, clockMs: Number.NaN, cost: 0, codes: new Uint8Array(width) };
}

/**
 * The first stage: decodes a line and works out every verdict that needs no state. Lines may be
 * cut into parts digested on different threads; `restart` marks the start of a part.
 */
export class Digester {
  /** The clock the last event ran at, undefined when this part has not seen one yet. */
  private lastMs: number | undefined;
  private readonly ruleCodes: Int8Array;

  /** `startMs`: the clock before the first event, when known (0 at the start of a replay). */
  constructor(
    private readonly plan: SplitPlan,
    startMs?: number,
  ) {
    this.lastMs = startMs;
    this.ruleCodes = new Int8Array(plan.rules.length);
  }

  /** A new part of the stream, whose previous event this stage has not seen. */
  restart(): void {
    this.lastMs = undefined;
  }

  /** Fills `out` for the line; false for a blank line (no digest). */
  digest(input: ReplayInput, out: Digest): boolean {
    const d = decodeRecord(input);
    if (!d) return false;
    out.line = d.line;
    out.findings = d.findings;
    out.agent = d.agent;
    out.full = undefined;
    out.clockMs = d.clockMs;
    if (!d.event) {
      out.event = false;
      return true;
    }
    out.event = true;
    const own = !Number.isNaN(d.clockMs);
    if (!own && this.lastMs === undefined) {
      out.full = d.event;
      out.cost = 0;
      return true;
    }
    const atMs = own ? d.clockMs : this.lastMs!;
    this.lastMs = atMs;
    const ctx = contextOf(d.event, atMs, { atMs });
    out.cost = ctx.cost;
    const request = isEnforceRequest(ctx);
    const codes = out.codes;
    const ruleCodes = this.ruleCodes.fill(-1);
    let vars: Record<string, unknown> | undefined;
    const lazyVars = () => (vars ??= celVars(ctx));
    let k = 0;
    for (let s = 0; s < 2; s++) {
      const policies = this.plan.policies[s];
      const slots = this.plan.slots[s];
      for (let i = 0; i < policies.length; i++, k++) {
        const p = policies[i];
        if (!request || !p.isActive || !appliesTo(p, ctx.agentId, ctx.event.agentName)) {
          codes[k] = NA;
          continue;
        }
        const slot = slots[i];
        if (slot < 0) {
          codes[k] = STATEFUL;
          continue;
        }
        let code = ruleCodes[slot];
        if (code < 0)
          ruleCodes[slot] = code = verdictOf(this.plan.rules[slot].evaluate(ctx, undefined, lazyVars, true));
        codes[k] = code;
      }
    }
    return true;
  }
}

/** `appliesToAgents` matched against the agent's id and name (as evaluateExeclave does). */
function appliesTo(p: CompiledExeclave, agentId: string | undefined, name: string | undefined): boolean {
  const agents = p.appliesToAgents;
  if (!agents.length) return true;
  return !!(agentId && agents.includes(agentId)) || !!(name && agents.includes(name));
}
