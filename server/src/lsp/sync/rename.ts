/**
 * The rename hint of a plan step in the protocol's form, worded by the functions `policylens sync`
 * prints it with, so the editor and the CLI say the same sentence.
 */
import { renamedToHint, renameHint, type PlanStep, type SyncPlan } from '../../core/index';
import type { PlanRename } from '../../protocol/index';

/** The hint of a `create` that looks like the rename of a live policy; undefined for any other step. */
export function planRename(plan: SyncPlan, step: PlanStep): PlanRename | undefined {
  const hint = renameHint(step);
  if (!step.renameOf || hint === undefined) return undefined;
  const { name, liveId } = step.renameOf;
  // The old side is in the unmanaged list when the plan leaves it alone (else it is a delete step).
  const old = plan.unmanaged.find((u) => u.liveId === liveId && u.renamedTo?.name === step.name);
  return {
    of: name,
    liveId,
    hint,
    ...(old?.renamedTo ? { leftAlone: renamedToHint(old.renamedTo, old.liveId) } : {}),
  };
}
