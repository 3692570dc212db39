// The Sync view's "Live only — left alone" group: the live policies no bundle in the workspace
// declares, as `policylens sync` lists them after its steps. Each opens its history, the record of
// a policy nobody manages from these files. Labels and tooltips are plain strings, never markup.
import * as vscode from 'vscode';
import type { LiveOnlyPolicy } from '../../../server/src/protocol';
import { liveOnlyGroupText, liveOnlyText } from './syncEntryText';

export function liveOnlyGroupItem(policies: readonly LiveOnlyPolicy[]): vscode.TreeItem {
  const { label, tooltip } = liveOnlyGroupText(policies.length);
  // Expanded: it comes last, so a long list pushes nothing else down, and the old side of a rename
  // (`renamed to "New"?`) is seen beside the create without a click.
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
  item.id = 'group:live-only';
  item.tooltip = tooltip;
  item.iconPath = new vscode.ThemeIcon('cloud');
  item.contextValue = 'group.liveOnly';
  return item;
}

export function liveOnlyItem(p: LiveOnlyPolicy): vscode.TreeItem {
  const item = new vscode.TreeItem(p.name, vscode.TreeItemCollapsibleState.None);
  item.id = `liveOnly:${p.liveId}`;
  const { description, tooltip } = liveOnlyText(p);
  item.description = description;
  item.tooltip = tooltip;
  item.iconPath = new vscode.ThemeIcon(p.isActive ? 'cloud' : 'circle-slash');
  item.contextValue = 'liveOnly';
  item.command = {
    command: 'policyLens.history.show',
    title: 'Show History',
    arguments: [{ name: p.name, id: p.liveId }],
  };
  return item;
}
