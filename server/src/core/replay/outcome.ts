import type { Decision, EvalResult } from '../eval/types';

/** What one side decided on one event: the decision and the policies that made it. */
export interface Outcome {
  decision: Decision;
  /** The policies whose effect is the decision (none for `allow`), in trace order, once each. */
  deciding: string[];
}

export const DECISIONS: readonly Decision[] = ['allow', 'warn', 'require_approval', 'block'];

/**
 * Distinct outcomes a side numbers, at most. Outcomes are sets of policies, so their number is not
 * bounded by the policies' (20 policies that fire in every combination make a million): past this
 * many, an outcome is no longer numbered but handed over as it is (`SPILLED`), which costs a little
 * time per event and changes nothing in the report (docs/decisions/replay.md, "Many outcomes").
 */
export const OUTCOMES_NUMBERED = 4096;

/** The id of an outcome the table did not number: it is the table's `spilled`. */
export const SPILLED = -1;

/**
 * Outcomes numbered once: a replay of millions of events meets a handful of distinct outcomes, so
 * each event's outcome is a small number (cheap to keep, compare and post between threads). Past
 * `limit` outcomes, a new one is given the id `SPILLED` and is `spilled` until the next call.
 */
export class OutcomeTable {
  readonly outcomes: Outcome[] = [];
  /** The last outcome that got the id `SPILLED`. */
  spilled: Outcome = { decision: 'allow', deciding: [] };
  private readonly ids = new Map<string, number>();

  constructor(private readonly limit = OUTCOMES_NUMBERED) {}

  idOf(result: EvalResult): number {
    return this.idFor(result.decision, decidingPolicies(result));
  }

  /** The outcome of an id this table gave: numbered, or the last spilled one. */
  get(id: number): Outcome {
    return id === SPILLED ? this.spilled : this.outcomes[id];
  }

  /** The id of a decision and the policies that made it (copied when first met). */
  idFor(decision: Decision, deciding: string[]): number {
    // Most outcomes name one policy: their ids are kept by name, without building a key.
    if (deciding.length === 1) {
      const byName = (this.single[decision] ??= new Map<string, number>());
      let id = byName.get(deciding[0]);
      if (id === undefined) {
        id = this.keyed(decision, deciding);
        if (id !== SPILLED) byName.set(deciding[0], id);
      }
      return id;
    }
    return this.keyed(decision, deciding);
  }

  private readonly single: Partial<Record<Decision, Map<string, number>>> = {};

  private keyed(decision: Decision, deciding: string[]): number {
    const key = deciding.length ? `${decision}\u0000${deciding.join('\u0000')}` : decision;
    let id = this.ids.get(key);
    if (id === undefined) {
      if (this.outcomes.length >= this.limit) {
        this.spilled = { decision, deciding: [...deciding] };
        return SPILLED;
      }
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
