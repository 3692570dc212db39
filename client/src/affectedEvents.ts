// "Policy Lens: Show Affected Events": the recorded events whose decision a pending sync change
// alters, in a read-only document (the lens's impact, the Sync view's impact item, or a pick).
import * as vscode from 'vscode';
import { AffectedEventsRequest, impactTitle, REPLAY_COMMANDS } from '../../server/src/protocol';
import type { PlanModel } from './planModel';
import type { Session } from './session';
import type { VirtualDocuments } from './virtualDocuments';

export const SHOW_AFFECTED_EVENTS_COMMAND = REPLAY_COMMANDS.showAffectedEvents;

/** Opens the affected events of `target` (or of a policy picked among those with an impact). */
export async function showAffectedEvents(
  session: Session,
  docs: VirtualDocuments,
  plan: PlanModel,
  target?: { name?: unknown; entry?: { name?: unknown } },
): Promise<vscode.TextEditor | undefined> {
  // From a lens or the impact item: `{ name }`; from the Sync view's inline action: the tree node.
  const given = target?.name ?? target?.entry?.name;
  let name = typeof given === 'string' ? given : undefined;
  if (name === undefined) {
    const picks = plan.plan.entries
      .filter((e) => e.impact)
      .map((e) => ({ label: e.name, description: impactTitle(e.impact!) }));
    if (picks.length === 0) {
      void vscode.window.showInformationMessage(
        !vscode.workspace.isTrusted
          ? 'Recorded events are replayed only in a trusted workspace: trust it to see the impact of pending changes.'
          : plan.plan.events
            ? 'No pending sync change has an impact to show.'
            : 'Set policyLens.replay.events to a recorded events file to see the impact of pending changes.',
      );
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(picks, {
      title: 'Policy Lens: Show Affected Events',
      placeHolder: 'Pending change',
    });
    if (!pick) return undefined;
    name = pick.label;
  }
  const answer = await session.request(AffectedEventsRequest, { name }, 'show the affected events');
  if (!answer.ok) {
    void vscode.window.showWarningMessage(answer.message);
    return undefined;
  }
  const uri = docs.put('affected-events', `${name}.txt`, answer.value.text);
  return vscode.window.showTextDocument(uri, { preview: true });
}
