// The status bar item: where the live org stands (`in sync` / `3 changes` / `offline` / `not configured`),
// and a click that opens the Sync view.
import * as vscode from 'vscode';
import type { WorkspacePlan } from '../../server/src/protocol';
import { countPlan } from './planModel';
import { readSettings } from './settings';

export function createStatusBar(): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('policyLens.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Policy Lens';
  item.command = 'policyLens.sync.focus';
  return item;
}

export function statusText(plan: WorkspacePlan): { text: string; tooltip: string } {
  switch (plan.state) {
    case 'untrusted':
      return {
        text: '$(shield) Policy Lens: restricted',
        tooltip: 'Workspace not trusted: the live org is not contacted.',
      };
    case 'not-configured':
      return {
        text: '$(gear) Policy Lens: not configured',
        tooltip: plan.message ?? 'Sync is not configured.',
      };
    case 'offline':
      return {
        text: '$(debug-disconnect) Policy Lens: offline',
        tooltip: plan.message ?? 'The live org cannot be reached.',
      };
    default: {
      const n = countPlan(plan).changes;
      const where = plan.org ? ` (${plan.org})` : '';
      return n === 0
        ? { text: '$(check) Policy Lens: in sync', tooltip: `The live org${where} matches the workspace.` }
        : {
            text: `$(diff) Policy Lens: ${n} change${n === 1 ? '' : 's'}`,
            tooltip: `${n} pending change${n === 1 ? '' : 's'} against the live org${where}. Click to review.`,
          };
    }
  }
}

/** Shows the plan's state, or hides the item while `policyLens.statusBar` is off; true when shown. */
export function showPlanInStatusBar(item: vscode.StatusBarItem, plan: WorkspacePlan): boolean {
  const { text, tooltip } = statusText(plan);
  item.text = text;
  // A plain string tooltip: messages can quote server text, which must not render as markdown.
  item.tooltip = tooltip;
  const shown = readSettings().statusBar;
  if (shown) item.show();
  else item.hide();
  return shown;
}
