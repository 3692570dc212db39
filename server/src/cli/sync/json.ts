import type { ApplyReport, SyncPlan } from '../../core/index';
import { toJson } from '../report/json';
import type { PlanImpact } from '../replay/impact';

/** The plan (and what an apply did) as `sync --format json` prints it. */
export function planJson(
  version: string,
  plan: SyncPlan,
  org: string,
  orgName: string | undefined,
  report?: ApplyReport,
  impact?: PlanImpact,
  error?: string,
): string {
  return toJson(version, {
    ...(error !== undefined ? { error } : {}),
    org,
    ...(orgName !== undefined ? { orgName } : {}),
    fingerprint: impact?.fingerprint ?? plan.fingerprint,
    pending: plan.pending,
    warnings: plan.warnings,
    problems: plan.problems,
    steps: plan.steps.map((s) => ({
      action: s.action,
      name: s.name,
      ...(s.file ? { file: s.file } : {}),
      ...(s.liveId ? { liveId: s.liveId } : {}),
      ...(s.liveVersion !== undefined ? { liveVersion: s.liveVersion } : {}),
      changes: s.changes,
      problems: s.problems,
      // Why the live org would refuse this change's body (its sentence is among the problems too).
      ...(s.refused !== undefined ? { refused: s.refused } : {}),
      // A hint (a create that looks like the rename of a live policy), never a change.
      ...(s.renameOf ? { renameOf: s.renameOf } : {}),
      ...(s.renamedTo ? { renamedTo: s.renamedTo } : {}),
    })),
    // Live policies the plan leaves alone (no bundle declares them, no --prune): not a change.
    unmanaged: plan.unmanaged,
    ...(impact ? { replay: impact.report } : {}),
    ...(report
      ? {
          applied: report.results.map((r) => ({
            action: r.step.action,
            name: r.step.name,
            ok: r.ok,
            ...(r.liveId ? { liveId: r.liveId } : {}),
            ...(r.message ? { message: r.message } : {}),
          })),
        }
      : {}),
  });
}
