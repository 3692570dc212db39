// The sync view's commands: open the diff of one policy, and apply the reviewed plan.
import * as vscode from 'vscode';
import { ApplyPlanRequest, DiffDocumentsRequest, type PlanEntry } from '../../server/src/protocol';
import type { PlanModel } from './planModel';
import { countPlan, describeCounts, nothingToApply } from './planWords';
import type { Session } from './session';
import { type VirtualDocuments, showTextDiff } from './virtualDocuments';

/** Opens the diff editor: the live policy on the left, the bundle (as the plan reads it) on the right. */
export async function openPlanDiff(
  session: Session,
  docs: VirtualDocuments,
  entry: PlanEntry,
): Promise<void> {
  const answer = await session.request(
    DiffDocumentsRequest,
    { name: entry.name, uri: entry.uri },
    'show this diff',
  );
  if (!answer.ok) {
    void vscode.window.showWarningMessage(answer.message);
    return;
  }
  const { live, desired } = answer.value;
  const fileName = `${entry.name}.json`;
  const title =
    entry.action === 'create'
      ? `${entry.name} (not live yet ↔ bundle)`
      : entry.action === 'delete'
        ? `${entry.name} (live ↔ deleted)`
        : `${entry.name} (live ↔ bundle)`;
  await showTextDiff(
    docs,
    { folder: 'live', text: live ?? '' },
    { folder: 'bundle', text: desired ?? '' },
    fileName,
    title,
  );
}

export interface ApplyOptions {
  /** Skips the modal confirmation; for automation that has already shown the plan. */
  confirmed?: boolean;
}

export interface ApplyOutcome {
  applied: number;
  failed: number;
  stale: boolean;
}

/**
 * Applies the plan the view shows: asks for confirmation with the counts, sends that plan's fingerprint
 * (so a plan that changed meanwhile is refused by the server, not silently replaced), shows progress,
 * and reports each result in the output and a summary in a notification.
 */
export async function applyPlan(
  session: Session,
  model: PlanModel,
  out: vscode.LogOutputChannel,
  options: ApplyOptions = {},
): Promise<ApplyOutcome | undefined> {
  const plan = model.plan;
  if (plan.state !== 'ok' || !plan.fingerprint) {
    void vscode.window.showWarningMessage(`Policy Lens: nothing to apply. ${plan.message ?? ''}`.trim());
    return undefined;
  }
  const counts = countPlan(plan);
  if (counts.changes === 0) {
    void vscode.window.showInformationMessage(nothingToApply(plan));
    return { applied: 0, failed: 0, stale: false };
  }
  const where = plan.org ?? 'the live org';
  if (!options.confirmed) {
    const changed = plan.entries.filter((e) => e.action !== 'no-op');
    const detail = changed
      .slice(0, 12)
      .map((e) => `${e.action === 'create' ? '+' : e.action === 'delete' ? '−' : '~'} ${e.name}`)
      .join('\n');
    const more = changed.length > 12 ? `\n… and ${changed.length - 12} more` : '';
    const pick = await vscode.window.showWarningMessage(
      `Apply ${describeCounts(counts)} to ${where}?`,
      { modal: true, detail: detail + more },
      'Apply',
    );
    if (pick !== 'Apply') return undefined;
  }
  const fingerprint = plan.fingerprint;
  const answer = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Policy Lens: applying ${describeCounts(counts)}…`,
    },
    () => session.request(ApplyPlanRequest, { fingerprint }, 'apply the plan'),
  );
  if (!answer.ok) {
    out.error(answer.message);
    void vscode.window.showErrorMessage(answer.message);
    return undefined;
  }
  const result = answer.value;
  if (!result.applied) {
    const msg =
      result.message ?? 'The plan changed since it was shown. Review the refreshed plan and apply again.';
    out.warn(`Apply refused: ${msg}`);
    void vscode.window.showWarningMessage(`Policy Lens: ${msg}`);
    await model.refresh(true);
    return { applied: 0, failed: 0, stale: true };
  }
  let ok = 0;
  const failures: string[] = [];
  for (const r of result.results) {
    if (r.ok) {
      ok++;
      out.info(`${r.action} “${r.name}”: done${r.liveId ? ` (id ${r.liveId})` : ''}`);
    } else {
      failures.push(`${r.name}: ${r.message ?? 'failed'}`);
      out.error(`${r.action} “${r.name}”: ${r.message ?? 'failed'}`);
    }
  }
  if (failures.length === 0) {
    void vscode.window.showInformationMessage(
      `Policy Lens: applied ${ok} change${ok === 1 ? '' : 's'} to ${where}.`,
    );
  } else {
    void vscode.window
      .showErrorMessage(
        `Policy Lens: applied ${ok} of ${ok + failures.length} changes; failed: ${failures.join('; ')}`,
        'Show Output',
      )
      .then((p) => {
        if (p) out.show();
      });
  }
  await model.refresh(true);
  return { applied: ok, failed: failures.length, stale: false };
}
