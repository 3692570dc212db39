// Switching policy files that opened as `yaml` or `json` to our own language id, as the Ansible
// extension does with playbooks: the YAML and JSON extensions then leave them to us (VS Code closes
// each for them and reopens it for us; docs/decisions/coexistence.md). Two ways in:
// - at once, by the extension itself, for a document whose text the quick recogniser reads for
//   sure (protocol/recognize.ts, the server's own rule): as the extension activates, in parallel
//   with the server's start, so that the switch is off the path to the first diagnostics
//   (docs/decisions/extension.md, "Activation time");
// - on the server's ask (`policyLens/adoptDocument`), for every other document it recognises.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { AdoptDocumentParams, AdoptDocumentResult } from '../../server/src/protocol';
import { policyLanguageFor } from '../../server/src/protocol/languages';
import { engineFileName, sniffPolicy } from '../../server/src/protocol/recognize';

/** The project's config file: it can exclude files, which only the server reads. */
const CONFIG_FILE = 'policylens.config.yaml';
/** Test files and the project config: in our languages, but never a policy. */
export const NAMED_OURS = /\.policytest\.(json|ya?ml)$|(^|\/)policylens\.config\.yaml$/i;

export class LanguageAdoption {
  /** Documents switched to our language id while their editor stays open. */
  private readonly adopted = new Set<string>();
  /** Switches under way: the server's ask for the same document waits for them. */
  private readonly switching = new Map<string, Thenable<boolean>>();

  constructor(
    private readonly out: vscode.LogOutputChannel,
    /** Called when the extension starts a switch of its own, and when one is done. */
    private readonly onEarly?: (step: 'started' | 'switched', doc: vscode.TextDocument) => void,
  ) {}

  /**
   * Switches an open `yaml`/`json` document at once when the quick recogniser names its dialect.
   * Anything it cannot be sure of (a file a project config may exclude, a text it cannot read) is
   * left to the server, which asks as before.
   */
  sniff(doc: vscode.TextDocument): void {
    const uri = doc.uri.toString();
    const target = policyLanguageFor(doc.languageId);
    if (!target || doc.isClosed || this.adopted.has(uri) || this.switching.has(uri)) return;
    if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled') return;
    if (NAMED_OURS.test(doc.uri.path) || (doc.uri.scheme === 'file' && underConfig(doc.uri.fsPath))) return;
    if (!sniffPolicy(doc.getText(), engineFileName(doc.uri.path, doc.languageId))) return;
    this.onEarly?.('started', doc);
    void this.switchTo(doc, target).then((ok) => {
      if (ok) this.onEarly?.('switched', doc);
    });
  }

  /**
   * The document as the server is told of it when it opens: one whose switch to our language is
   * under way goes as already switched, so that the server analyses and publishes it at once
   * instead of waiting for the workbench, which at the editor's start answers the switch only once
   * it is up (docs/decisions/extension.md). The switch then reopens it in our language; should it
   * fail, the document stays YAML with our diagnostics, as one whose client refuses the server's ask.
   */
  asOpened(doc: vscode.TextDocument): vscode.TextDocument {
    const uri = doc.uri.toString();
    const target = this.switching.has(uri) ? policyLanguageFor(doc.languageId) : undefined;
    return target ? (Object.create(doc, { languageId: { value: target } }) as vscode.TextDocument) : doc;
  }

  /** The server's ask: a document it recognised as a policy by its content. */
  async answer(params: AdoptDocumentParams): Promise<AdoptDocumentResult> {
    const pending = this.switching.get(params.uri);
    if (pending) return { adopted: await pending };
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === params.uri);
    if (!doc || doc.isClosed) return { adopted: false };
    if (doc.languageId === params.languageId) return { adopted: true };
    // One that is not YAML or JSON any more, or one switched before (so the user set it back to
    // YAML by hand), keeps its language.
    if (!/^(yaml|json|jsonc)$/.test(doc.languageId) || this.adopted.has(params.uri))
      return { adopted: false };
    return { adopted: await this.switchTo(doc, params.languageId) };
  }

  /**
   * A document closed: once no tab shows it, the next time it opens as YAML it is switched again. A
   * close while its tab stays is the user picking another language mode, which is then kept.
   */
  forget(doc: vscode.TextDocument): void {
    const uri = doc.uri.toString();
    const shown = vscode.window.tabGroups.all.some((g) =>
      g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri),
    );
    if (!shown) this.adopted.delete(uri);
  }

  private switchTo(doc: vscode.TextDocument, languageId: string): Thenable<boolean> {
    const uri = doc.uri.toString();
    this.adopted.add(uri);
    const done = vscode.languages.setTextDocumentLanguage(doc, languageId).then(
      () => true,
      (err: unknown) => {
        this.out.warn(`Could not switch ${doc.uri.fsPath} to ${languageId}: ${String(err)}`);
        return false;
      },
    );
    this.switching.set(uri, done);
    void done.then(() => this.switching.delete(uri));
    return done;
  }
}

/**
 * Whether a project config sits in the file's folder or above it: its `include`/`exclude` may keep
 * the file out, which only the server reads (it finds the config the same way, from the
 * workspace folder up), so such a file waits for the server's ask.
 */
export function underConfig(file: string): boolean {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, CONFIG_FILE))) return true;
    if (dirname(dir) === dir) return false;
  }
}
