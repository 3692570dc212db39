import { evaluate, type CompiledPolicies } from '../eval/engine';
import { emptyState, type EvalState } from '../eval/state';
import type { Decision, EvalEvent, EvalResult } from '../eval/types';

/** What one side decided on one event: the decision and the policies that made it. */
export interface Outcome {
  decision: Decision;
  /** The policies whose effect is the decision (none for `allow`), in trace order, once each. */
  deciding: string[];
}

export const DECISIONS: readonly Decision[] = ['allow', 'warn', 'require_approval', 'block'];

/**
 * Outcomes numbered once: a replay of millions of events meets a handful of distinct outcomes, so
 * each event's outcome is a small number (cheap to keep, compare and post between threads).
 */
export class OutcomeTable {
  readonly outcomes: Outcome[] = [];
  private readonly ids = new Map<string, number>();

  idOf(result: EvalResult): number {
    return this.idFor(result.decision, decidingPolicies(result));
  }

  /** The id of a decision and the policies that made it (copied when first met). */
  idFor(decision: Decision, deciding: string[]): number {
    // Most outcomes name one policy: their ids are kept by name, without building a key.
    if (deciding.length === 1) {
      const byName = (this.single[decision] ??= new Map<string, number>());
      let id = byName.get(deciding[0]);
      if (id === undefined) byName.set(deciding[0], (id = this.keyed(decision, deciding)));
      return id;
    }
    return this.keyed(decision, deciding);
  }

  private readonly single: Partial<Record<Decision, Map<string, number>>> = {};

  private keyed(decision: Decision, deciding: string[]): number {
    const key = deciding.length ? `${decision}\u0000${deciding.join('\u0000')}` : decision;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.outcomes.length;
      this.outcomes.push({ decision, deciding: [...deciding] });
      this.ids.set(key, id);
    }
    return id;
  }
}

/** The policies that decide: blocking ones for `block`, approval ones for `require_approval`, warnings for `warn`. */
export function decidingPolicies(result: EvalResult): string[] {
  const d = result.decision;
  if (d === 'allow') return [];
  const list = d === 'warn' ? result.warnings : result.violations.filter((v) => v.enforcementMode === d);
  const names: string[] = [];
  for (const v of list) if (!names.includes(v.policyName)) names.push(v.policyName);
  return names;
}

/**
 * One policy set replaying a stream on its own: its state (budgets, rate windows, evidence) is
 * carried from each event to the next in the order the events are given, and never shared with
 * the other side.
 */
export class SideRunner {
  readonly table = new OutcomeTable();
  private state: EvalState = emptyState();

  constructor(private readonly compiled: CompiledPolicies) {}

  /** Decides on the next event; returns the outcome's id in `table`. */
  run(event: EvalEvent): number {
    const r = evaluate(this.compiled, event, this.state);
    this.state = r.state;
    return this.table.idOf(r.result);
  }
}
