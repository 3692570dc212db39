// The Sync view: the workspace plan grouped as create / update / delete / no-op, then the live
// policies no bundle declares ("Live only — left alone", liveOnlyItems.ts). An update expands into its
// changed fields; clicking a policy opens the diff between the live policy and the bundle. With
// recorded events set (policyLens.replay.events), a pending change also shows its impact on them, and
// its first child opens the affected events. A create that looks like the rename of a live policy
// says so; the live policy it leaves alone says so in the live-only group, and a click opens its
// history, which stays under its id. Every label is a plain string (TreeItem labels and string
// tooltips are never rendered as markup), so text from a policy cannot inject anything.
import * as vscode from 'vscode';
import {
  impactTitle,
  REPLAY_COMMANDS,
  type LiveOnlyPolicy,
  type PlanAction,
  type PlanEntry,
  type PlanFieldChange,
} from '../../../server/src/protocol';
import { type PlanModel, showValue } from '../planModel';
import { liveOnlyGroupItem, liveOnlyItem } from './liveOnlyItems';
import { entryDescription, entryTooltip } from './syncEntryText';

type Node =
  | { kind: 'group'; action: PlanAction; entries: PlanEntry[] }
  | { kind: 'entry'; entry: PlanEntry }
  | { kind: 'impact'; entry: PlanEntry }
  /** The live policies no bundle declares, after the groups of steps. */
  | { kind: 'liveOnlyGroup'; policies: LiveOnlyPolicy[] }
  | { kind: 'liveOnly'; policy: LiveOnlyPolicy }
  | { kind: 'field'; entry: PlanEntry; change: PlanFieldChange };

const GROUPS: { action: PlanAction; label: string; icon: string; color?: string }[] = [
  { action: 'create', label: 'Create', icon: 'diff-added', color: 'gitDecoration.addedResourceForeground' },
  {
    action: 'update',
    label: 'Update',
    icon: 'diff-modified',
    color: 'gitDecoration.modifiedResourceForeground',
  },
  {
    action: 'delete',
    label: 'Delete',
    icon: 'diff-removed',
    color: 'gitDecoration.deletedResourceForeground',
  },
  { action: 'no-op', label: 'No change', icon: 'check' },
];

export const OPEN_DIFF_COMMAND = 'policyLens.sync.openDiff';

export class SyncTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly model: PlanModel) {
    model.onDidChange(() => this.changed.fire(undefined));
  }

  getChildren(node?: Node): Node[] {
    const plan = this.model.plan;
    if (!node) {
      if (plan.state !== 'ok') return [];
      const groups: Node[] = GROUPS.map((g) => ({
        kind: 'group' as const,
        action: g.action,
        entries: plan.entries.filter((e) => e.action === g.action),
      })).filter((g) => g.entries.length > 0);
      const liveOnly = plan.liveOnly ?? [];
      return liveOnly.length ? [...groups, { kind: 'liveOnlyGroup', policies: liveOnly }] : groups;
    }
    if (node.kind === 'group') return node.entries.map((entry) => ({ kind: 'entry' as const, entry }));
    if (node.kind === 'liveOnlyGroup')
      return node.policies.map((policy) => ({ kind: 'liveOnly' as const, policy }));
    if (node.kind === 'entry')
      return [
        ...(node.entry.impact ? [{ kind: 'impact' as const, entry: node.entry }] : []),
        ...node.entry.changes.map((change) => ({ kind: 'field' as const, entry: node.entry, change })),
      ];
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'group') {
      const g = GROUPS.find((x) => x.action === node.action)!;
      const item = new vscode.TreeItem(
        `${g.label} (${node.entries.length})`,
        node.action === 'no-op'
          ? vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.Expanded,
      );
      item.id = `group:${node.action}`;
      item.iconPath = new vscode.ThemeIcon(g.icon, g.color ? new vscode.ThemeColor(g.color) : undefined);
      item.contextValue = 'group';
      return item;
    }
    if (node.kind === 'liveOnlyGroup') return liveOnlyGroupItem(node.policies);
    if (node.kind === 'liveOnly') return liveOnlyItem(node.policy);
    if (node.kind === 'entry') {
      const e = node.entry;
      const item = new vscode.TreeItem(
        e.name,
        e.changes.length > 0 || e.impact
          ? vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.None,
      );
      item.id = `entry:${e.action}:${e.name}`;
      const file = e.uri ? vscode.workspace.asRelativePath(vscode.Uri.parse(e.uri)) : 'live only';
      item.description = entryDescription(e, file);
      item.tooltip = entryTooltip(e, file);
      const g = GROUPS.find((x) => x.action === e.action)!;
      item.iconPath = e.problems?.length
        ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
        : new vscode.ThemeIcon(g.icon, g.color ? new vscode.ThemeColor(g.color) : undefined);
      item.contextValue = `entry.${e.action}${e.impact?.state === 'ok' ? '.impact' : ''}`;
      item.command = { command: OPEN_DIFF_COMMAND, title: 'Open Diff', arguments: [e] };
      return item;
    }
    if (node.kind === 'impact') {
      const impact = node.entry.impact!;
      const item = new vscode.TreeItem(impactTitle(impact), vscode.TreeItemCollapsibleState.None);
      item.id = `impact:${node.entry.name}`;
      item.iconPath = new vscode.ThemeIcon(
        impact.state === 'error' ? 'warning' : impact.state === 'computing' ? 'loading~spin' : 'pulse',
      );
      if (impact.state === 'ok') {
        item.description = `${impact.changed} of ${impact.events} recorded events change`;
        item.tooltip = 'Show the affected events';
        item.contextValue = 'impact';
        item.command = {
          command: REPLAY_COMMANDS.showAffectedEvents,
          title: 'Show Affected Events',
          arguments: [{ name: node.entry.name }],
        };
      } else if (impact.state === 'error') item.tooltip = 'The details are in the Policy Lens output.';
      return item;
    }
    const c = node.change;
    const item = new vscode.TreeItem(c.path, vscode.TreeItemCollapsibleState.None);
    item.id = `field:${node.entry.name}:${c.path}`;
    item.description = `${showValue(c.from)} → ${showValue(c.to)}`;
    item.tooltip = `${c.path}: ${JSON.stringify(c.from) ?? '(absent)'} → ${JSON.stringify(c.to) ?? '(absent)'}`;
    item.iconPath = new vscode.ThemeIcon('symbol-field');
    item.command = { command: OPEN_DIFF_COMMAND, title: 'Open Diff', arguments: [node.entry] };
    return item;
  }
}
