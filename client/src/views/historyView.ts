// The History view: for the policy in the active editor (or one picked from a list), its write events
// oldest first with actor, time and changed fields. Clicking an event opens the diff between that
// version and the one before. Labels are plain strings, never markup.
import * as vscode from 'vscode';
import {
  DiffDocumentsRequest,
  type HistoryEvent,
  type PolicyHistory,
  type PolicyHistoryParams,
  PolicyHistoryRequest,
  VerifyAuditChainRequest,
} from '../../../server/src/protocol';
import { showValue } from '../planModel';
import { versionSnapshots } from './historyVersions';
import type { Session } from '../session';
import { type VirtualDocuments, showTextDiff } from '../virtualDocuments';

type Node =
  | { kind: 'event'; event: HistoryEvent; index: number }
  | { kind: 'field'; field: string; change: { from?: unknown; to?: unknown } };

export const OPEN_VERSION_DIFF_COMMAND = 'policyLens.history.openDiff';

export class HistoryTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly loaded = new vscode.EventEmitter<PolicyHistory>();
  /** Fires after each load, with what the view now shows. */
  readonly onDidLoad = this.loaded.event;
  target: PolicyHistoryParams | undefined;
  history: PolicyHistory | undefined;
  /** The whole policy after each event, for the diffs. */
  private snapshots: Record<string, unknown>[] = [];

  constructor(private readonly session: Session) {}

  async load(target: PolicyHistoryParams | undefined): Promise<PolicyHistory | undefined> {
    this.target = target;
    if (!target) {
      this.history = undefined;
    } else {
      const answer = await this.session.request(PolicyHistoryRequest, target, 'read the policy history');
      this.history = answer.ok ? answer.value : { state: 'offline', message: answer.message, events: [] };
    }
    this.snapshots = versionSnapshots(this.history?.events ?? [], await this.latest());
    this.changed.fire(undefined);
    if (this.history) this.loaded.fire(this.history);
    return this.history;
  }

  /** The live policy as it is now (the newest version), unless every event carries its snapshot. */
  private async latest(): Promise<Record<string, unknown> | undefined> {
    const h = this.history;
    if (!h?.policy || h.events.length === 0 || h.events.every((e) => e.snapshot)) return undefined;
    const answer = await this.session.request(
      DiffDocumentsRequest,
      { name: h.policy.name },
      'read the live policy',
    );
    if (!answer.ok || !answer.value.live) return undefined;
    try {
      const parsed: unknown = JSON.parse(answer.value.live);
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  getChildren(node?: Node): Node[] {
    if (!node)
      return (this.history?.events ?? []).map((event, index) => ({ kind: 'event' as const, event, index }));
    if (node.kind === 'event') {
      return Object.entries(node.event.diff ?? {}).map(([field, change]) => ({
        kind: 'field' as const,
        field,
        change,
      }));
    }
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'field') {
      const item = new vscode.TreeItem(node.field, vscode.TreeItemCollapsibleState.None);
      item.description = `${showValue(node.change.from)} → ${showValue(node.change.to)}`;
      item.tooltip = `${node.field}: ${JSON.stringify(node.change.from) ?? '(absent)'} → ${JSON.stringify(node.change.to) ?? '(absent)'}`;
      item.iconPath = new vscode.ThemeIcon('symbol-field');
      return item;
    }
    const e = node.event;
    const fields = Object.keys(e.diff ?? {});
    const item = new vscode.TreeItem(
      `v${e.version} ${eventLabel(e.eventType)}`,
      fields.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = `event:${e.version}:${e.changedAt}`;
    item.description = `${e.actor} · ${formatTime(e.changedAt)}${fields.length ? ` · ${fields.join(', ')}` : ''}`;
    item.tooltip = `${e.eventType} by ${e.actor} at ${e.changedAt}${fields.length ? `\nchanged: ${fields.join(', ')}` : ''}`;
    item.iconPath = new vscode.ThemeIcon(
      e.eventType.endsWith('created') ? 'add' : e.eventType.endsWith('deleted') ? 'trash' : 'edit',
    );
    item.command = { command: OPEN_VERSION_DIFF_COMMAND, title: 'Open Diff', arguments: [node.index] };
    return item;
  }

  /** The text of the policy after event `index`; from its snapshot, or rebuilt from the diffs up to it. */
  versionText(index: number): string {
    if (index < 0 || !this.snapshots[index]) return '';
    return JSON.stringify(this.snapshots[index], null, 2) + '\n';
  }
}

export async function openVersionDiff(
  tree: HistoryTree,
  docs: VirtualDocuments,
  index: number,
): Promise<void> {
  const events = tree.history?.events ?? [];
  const e = events[index];
  if (!e) return;
  const name = tree.history?.policy?.name ?? 'policy';
  const fileName = `${name}.json`;
  const before = index === 0 ? 'empty' : `v${events[index - 1]!.version}`;
  await showTextDiff(
    docs,
    { folder: `history-v${index === 0 ? 0 : events[index - 1]!.version}`, text: tree.versionText(index - 1) },
    { folder: `history-v${e.version}`, text: tree.versionText(index) },
    fileName,
    `${name} (${before} ↔ v${e.version})`,
  );
}

export async function verifyAuditChain(session: Session, tree: HistoryTree): Promise<boolean | undefined> {
  const target = tree.target;
  if (!target) {
    void vscode.window.showInformationMessage(
      'Policy Lens: open a policy file or pick a policy to verify its history.',
    );
    return undefined;
  }
  const answer = await session.request(VerifyAuditChainRequest, target, 'verify the audit chain');
  if (!answer.ok) {
    void vscode.window.showWarningMessage(answer.message);
    return undefined;
  }
  const r = answer.value;
  if (r.ok) void vscode.window.showInformationMessage(`Policy Lens: ${r.message}`);
  else void vscode.window.showErrorMessage(`Policy Lens: ${r.message}`);
  return r.ok;
}

function eventLabel(eventType: string): string {
  const tail = eventType.includes('.') ? eventType.slice(eventType.lastIndexOf('.') + 1) : eventType;
  return tail || 'event';
}

function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}
