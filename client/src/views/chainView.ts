// The Chain view: the workspace's policies in evaluation order; prerequisites underneath, the missing
// ones and cycle members marked. Clicking a policy opens its file.
import * as vscode from 'vscode';
import { type ChainEntry, type ChainOrder, ChainOrderRequest } from '../../../server/src/protocol';
import type { Session } from '../session';

type Node =
  | { kind: 'policy'; entry: ChainEntry; position: number }
  | { kind: 'prereq'; name: string; missing: boolean };

export class ChainTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  order: ChainOrder | undefined;
  message: string | undefined;

  constructor(private readonly session: Session) {}

  async load(): Promise<ChainOrder | undefined> {
    const answer = await this.session.request(ChainOrderRequest, {}, 'compute the evaluation order');
    this.order = answer.ok ? answer.value : undefined;
    this.message = answer.ok
      ? answer.value.entries.length
        ? undefined
        : 'No policies in this workspace.'
      : answer.message;
    this.changed.fire(undefined);
    return this.order;
  }

  getChildren(node?: Node): Node[] {
    if (!node)
      return (this.order?.entries ?? []).map((entry, i) => ({
        kind: 'policy' as const,
        entry,
        position: i + 1,
      }));
    if (node.kind === 'policy') {
      return node.entry.prerequisites.map((name) => ({
        kind: 'prereq' as const,
        name,
        missing: node.entry.missing.includes(name),
      }));
    }
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'prereq') {
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
      item.description = node.missing ? 'missing' : 'prerequisite';
      item.iconPath = new vscode.ThemeIcon(
        node.missing ? 'error' : 'arrow-up',
        node.missing ? new vscode.ThemeColor('errorForeground') : undefined,
      );
      item.tooltip = node.missing
        ? `Prerequisite “${node.name}” is neither in the workspace nor live.`
        : `Runs after “${node.name}”.`;
      return item;
    }
    const e = node.entry;
    const item = new vscode.TreeItem(
      `${node.position}. ${e.name}`,
      e.prerequisites.length
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.None,
    );
    item.id = `chain:${e.name}:${e.uri ?? ''}`;
    const marks = [`order ${e.evaluationOrder}`];
    if (e.missing.length) marks.push(`${e.missing.length} missing`);
    if (e.inCycle) marks.push('in a cycle');
    item.description = marks.join(' · ');
    item.iconPath = new vscode.ThemeIcon(
      e.missing.length || e.inCycle ? 'warning' : 'pass',
      e.missing.length || e.inCycle ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined,
    );
    if (e.uri) {
      const uri = vscode.Uri.parse(e.uri);
      item.resourceUri = uri;
      item.command = {
        command: 'vscode.open',
        title: 'Open Policy',
        arguments: [uri, { selection: new vscode.Range(e.line ?? 0, 0, e.line ?? 0, 0) }],
      };
    }
    return item;
  }
}
