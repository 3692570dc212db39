/**
 * Marks the creates and updates whose request body a server would refuse (limits.ts): measured as
 * apply would send it, prerequisites as live ids. A step so marked is a problem of the plan, so
 * nothing is applied while it is there, instead of an apply that stops at it half-way.
 */
import { bodyToWrite, PLACEHOLDER_ID } from './body';
import { requestRefusal } from './limits';
import type { PlanStep } from './types';

/** The problem of a refused step, as the plan prints it after `! `. */
export function refusedProblem(reason: string): string {
  return `refused: ${reason}`;
}

/**
 * `liveIds`: live ids by name; `created`: the names the plan creates, whose ids are not known yet
 * (a UUID's length stands for them).
 */
export function markRefusals(
  steps: readonly PlanStep[],
  liveIds: ReadonlyMap<string, string>,
  created: ReadonlySet<string>,
): void {
  const idOf = (ref: string) => liveIds.get(ref) ?? (created.has(ref) ? PLACEHOLDER_ID : ref);
  for (const step of steps) {
    if ((step.action !== 'create' && step.action !== 'update') || !step.body) continue;
    const refusal = requestRefusal(bodyToWrite(step, idOf));
    if (!refusal) continue;
    step.refused = refusal.reason;
    step.problems.push(refusedProblem(refusal.reason));
    // The field it concerns, so a GitHub annotation lands on its key.
    (step.problemPaths ??= [])[step.problems.length - 1] = refusal.path;
  }
}
