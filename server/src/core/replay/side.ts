import { evaluate, type CompiledPolicies } from '../eval/engine';
import { emptyState, type EvalState } from '../eval/state';
import type { EvalEvent } from '../eval/types';
import { OutcomeTable } from './outcome';

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
