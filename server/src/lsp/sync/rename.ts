/**
 * The rename hint of a plan step in the protocol's form, worded by the functions `policylens sync`
 * prints it with, so the editor and the CLI say the same sentence.
 */
import { renameHint, type PlanStep } from '../../core/index';
import type { PlanRename } from '../../protocol/index';

/** The hint of a `create` that looks like the rename of a live policy; undefined for any other step. */
export function planRename(step: PlanStep): PlanRename | undefined {
  const hint = renameHint(step);
  if (!step.renameOf || hint === undefined) return undefined;
  return { of: step.renameOf.name, liveId: step.renameOf.liveId, hint };
}
