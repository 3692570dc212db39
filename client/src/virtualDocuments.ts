// Read-only documents for the left and right sides of diff editors: the live policy, a historical
// version. Their text comes from the language server and is kept here until the editor asks for it.
import * as vscode from 'vscode';

export const SCHEME = 'policylens';

export class VirtualDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  /** Stores `text` under a URI whose path ends in `name` (which picks the language mode). */
  put(folder: string, name: string, text: string): vscode.Uri {
    const safe = name.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'policy';
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${folder}/${safe}` });
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

/** Opens a diff editor between two texts. */
export async function showTextDiff(
  docs: VirtualDocuments,
  left: { folder: string; text: string },
  right: { folder: string; text: string } | vscode.Uri,
  fileName: string,
  title: string,
): Promise<void> {
  const leftUri = docs.put(left.folder, fileName, left.text);
  const rightUri = right instanceof vscode.Uri ? right : docs.put(right.folder, fileName, right.text);
  await vscode.commands.executeCommand('vscode.diff', leftUri, rightUri, title, { preview: true });
}
