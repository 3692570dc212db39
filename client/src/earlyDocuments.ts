// The policies open in the editor, sent with `initialize` (protocol `openDocuments`): the server
// analyses them as it answers and publishes their diagnostics right after the answer, so the first
// diagnostics no longer wait for this extension host, busy at the editor's start activating other
// extensions, to handle the answer and send `initialized` and `didOpen` (docs/decisions/
// extension.md, "Activation time", sixth round). The client still opens each document as usual.
import * as vscode from 'vscode';
import { DidCloseTextDocumentNotification, type LanguageClient } from 'vscode-languageclient/node';
import {
  OPEN_DOCUMENTS_MAX_CHARS,
  type OpenDocument,
  POLICY_JSON,
  POLICY_YAML,
} from '../../server/src/protocol';
import { type LanguageAdoption, NAMED_OURS, underConfig } from './adoption';

export class EarlyDocuments {
  /** Sent with the last `initialize` and not opened by the client since. */
  private unopened = new Set<string>();
  /** How many documents the last `initialize` carried (the activation timings report it). */
  sent = 0;

  constructor(private readonly adoption: LanguageAdoption) {}

  /**
   * What goes in `initializationOptions.openDocuments`, read as the client sends `initialize`: the
   * open documents that are policies in our language, or being switched to it (as `didOpen` will
   * send them, adoption.ts), the visible ones first, within the budget. A file under a project
   * config (which may exclude it), a test file and whatever does not fit wait for `didOpen`.
   */
  collect(): OpenDocument[] {
    const out = this.select();
    this.unopened = new Set(out.map((d) => d.uri));
    this.sent = out.length;
    return out;
  }

  /** The documents `collect` would send now, without recording them as sent. */
  select(): OpenDocument[] {
    const visible = new Set(vscode.window.visibleTextEditors.map((e) => e.document.uri.toString()));
    const docs = [...vscode.workspace.textDocuments].sort(
      (a, b) => Number(visible.has(b.uri.toString())) - Number(visible.has(a.uri.toString())),
    );
    const out: OpenDocument[] = [];
    let chars = 0;
    for (const doc of docs) {
      const sent = this.adoption.asOpened(doc);
      if (sent.languageId !== POLICY_YAML && sent.languageId !== POLICY_JSON) continue;
      if (doc.isClosed || (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled')) continue;
      if (NAMED_OURS.test(doc.uri.path) || (doc.uri.scheme === 'file' && underConfig(doc.uri.fsPath)))
        continue;
      const text = doc.getText();
      if (chars + text.length > OPEN_DOCUMENTS_MAX_CHARS) continue;
      chars += text.length;
      out.push({ uri: doc.uri.toString(), languageId: sent.languageId, version: doc.version, text });
    }
    return out;
  }

  /** The client opened a document (its `didOpen` middleware). */
  opened(uri: string): void {
    this.unopened.delete(uri);
  }

  /**
   * Once the client has started (it opens every open document as it does): a document sent with
   * `initialize` that closed before the client opened it is closed on the server too, which then
   * clears its diagnostics. Returns how many there were.
   */
  closeUnopened(client: LanguageClient): number {
    const uris = [...this.unopened];
    this.unopened.clear();
    for (const uri of uris)
      void client
        .sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } })
        .catch(() => undefined);
    return uris.length;
  }
}
