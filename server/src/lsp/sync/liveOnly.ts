/**
 * The live policies no bundle in the workspace declares, in the protocol's form: the plan's own list
 * (core's `unmanaged`, the one `policylens sync` prints and `--format json` carries), with the CLI's
 * sentence for the old side of a rename. Nothing here decides which policies are in it.
 */
import { renamedToHint, type SyncPlan } from '../../core/index';
import type { LiveOnlyPolicy } from '../../protocol/index';

export function liveOnlyOf(plan: SyncPlan): LiveOnlyPolicy[] {
  return plan.unmanaged.map((u) => ({
    name: u.name,
    liveId: u.liveId,
    isActive: u.isActive,
    ...(u.policyType !== undefined ? { policyType: u.policyType } : {}),
    ...(u.renamedTo
      ? { renamedTo: { name: u.renamedTo.name, hint: renamedToHint(u.renamedTo, u.liveId) } }
      : {}),
  }));
}
