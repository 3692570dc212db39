// The diagnostics of the policies open as the editor starts, shown before the language server has
// started. They are computed in this extension host by the server's own first-publication code,
// which the extension's loader hands in (server/src/lsp/firstDiagnostics.ts; the client imports no
// server module), for exactly the documents that go with `initialize` (earlyDocuments.ts) and with
// the same initialization options, so they are what the server will publish first. The server's
// first publication for a document replaces them in the same turn (the client's handleDiagnostics
// middleware), so a problem is never shown twice; an edit, closing the document, the server
// stopping and validation turned off remove them too (docs/decisions/extension.md, "Activation
// time", eighth round).
import * as vscode from 'vscode';
import type { Protocol2CodeConverter, PublishDiagnosticsParams } from 'vscode-languageclient';
import type {
  FirstDiagnostics,
  OpenDocument,
  PolicyLensInitializationOptions,
} from '../../server/src/protocol';
import type { FirstPublication, PolicyLensApi } from './api';

/** The first publications computed as the extension activates, and when (ms after `activate()`). */
export interface ComputedFirstDiagnostics {
  publications: PublishDiagnosticsParams[];
  /** When the computation began, and when the engine's modules were loaded. */
  startedAt: number;
  loadedAt: number;
}

/**
 * Computes the first diagnostics of `docs` (the documents `initialize` will carry) with the
 * server's own code, `load`ed from the bundle, and the options the client will send.
 */
export async function computeFirstDiagnostics(
  load: () => Promise<FirstDiagnostics>,
  docs: readonly OpenDocument[],
  options: PolicyLensInitializationOptions,
  since: () => number,
): Promise<ComputedFirstDiagnostics | undefined> {
  if (!docs.length || options.validate === false) return undefined;
  const startedAt = since();
  const compute = await load();
  const loadedAt = since();
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString());
  return { publications: compute(docs, options, folders), startedAt, loadedAt };
}

export class EarlyDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('policyLens.early');
  /** The URIs the server has published for: nothing computed here is shown for them again. */
  private readonly fromServer = new Set<string>();
  /** What was shown, by URI (the real-editor suite compares it with the server's publication). */
  readonly shown = new Map<string, readonly vscode.Diagnostic[]>();
  /** For the suite: what was shown right before the server's first set, and that set with after. */
  private readonly before = new Map<string, readonly vscode.Diagnostic[]>();
  private readonly replaced = new Map<string, FirstPublication>();
  /** The sets shown and not replaced yet, with the version of the text they are of. */
  private readonly current = new Map<string, { version: number; diagnostics: vscode.Diagnostic[] }>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      this.collection,
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length) this.remove(e.document.uri);
      }),
      // Switching a document to our language id (adoption.ts) closes and reopens it: the set goes
      // with the close and comes back with the reopening of the same text. A document closed for
      // good keeps nothing: the server, told of the close, publishes an empty list for it anyway.
      vscode.workspace.onDidCloseTextDocument((doc) => this.collection.delete(doc.uri)),
      vscode.workspace.onDidOpenTextDocument((doc) => {
        const kept = this.current.get(doc.uri.toString());
        if (kept?.version === doc.version) this.collection.set(doc.uri, kept.diagnostics);
        else if (kept) this.remove(doc.uri);
      }),
    ];
  }

  private remove(uri: vscode.Uri): void {
    this.current.delete(uri.toString());
    this.collection.delete(uri);
  }

  /**
   * Shows the computed first publications of the documents still open at the same version whose
   * server has not published yet: synchronously, in one turn (a policy has a handful of findings,
   * and the converter's batched form would only add a turn). Returns how many documents got a set.
   */
  show(publications: readonly PublishDiagnosticsParams[], p2c: Protocol2CodeConverter): number {
    let shown = 0;
    for (const p of publications) {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === p.uri);
      if (this.fromServer.has(p.uri) || !doc || doc.isClosed || doc.version !== p.version) continue;
      const diagnostics = p.diagnostics.map((d) => p2c.asDiagnostic(d));
      this.collection.set(doc.uri, diagnostics);
      this.current.set(p.uri, { version: p.version, diagnostics });
      this.shown.set(p.uri, diagnostics);
      shown++;
    }
    return shown;
  }

  /**
   * The server is about to publish for this URI: its set replaces ours (called just before it is
   * set, in the same turn). What was shown until then is kept for the suite.
   */
  serverWillPublish(uri: vscode.Uri): void {
    const key = uri.toString();
    if (this.shown.has(key) && !this.fromServer.has(key))
      this.before.set(key, vscode.languages.getDiagnostics(uri));
    this.fromServer.add(key);
    this.remove(uri);
  }

  /** The server's set was just shown: its first for a document computed here is kept for the suite. */
  serverPublished(uri: vscode.Uri, diagnostics: readonly vscode.Diagnostic[]): void {
    const key = uri.toString();
    if (!this.shown.has(key) || this.replaced.has(key)) return;
    const visible = vscode.languages.getDiagnostics(uri);
    this.replaced.set(key, { diagnostics, visibleBefore: this.before.get(key) ?? [], visible });
  }

  /** What the suite compares for a document computed here (PolicyLensApi.firstPublications). */
  firstPublications(uri: vscode.Uri): ReturnType<PolicyLensApi['firstPublications']> {
    return { early: this.shown.get(uri.toString()), server: this.replaced.get(uri.toString()) };
  }

  /** The server stopped, or validation was turned off: nothing computed here stays. */
  clear(): void {
    this.current.clear();
    this.collection.clear();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
