// The status bar item: where the live org stands (`in sync` / `in sync, 2 live only` / `3 changes` /
// `offline` / `not configured`; the words are planWords.ts's), and a click that opens the Sync view.
import * as vscode from 'vscode';
import type { WorkspacePlan } from '../../server/src/protocol';
import { statusText } from './planWords';
import { readSettings } from './settings';

export function createStatusBar(): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('policyLens.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Policy Lens';
  item.command = 'policyLens.sync.focus';
  return item;
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
