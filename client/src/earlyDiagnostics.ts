// The diagnostics of the policies open as the editor starts, shown before the language server has
// published. They are computed in this extension host by the server's own first-publication code,
// which the extension's loader hands in (server/src/lsp/firstDiagnostics.ts; the client imports no
// server module), for the documents that go with `initialize` (earlyDocuments.ts) and with the
// same initialization options: they are what the server will publish first. The server's first publication for a document replaces them in the same turn
// (the client's handleDiagnostics middleware), so a problem is never shown twice; an edit, closing
// the document, the server stopping or failing to start and validation turned off remove them too
// (docs/decisions/extension.md, "Activation time", eighth round).
import * as vscode from 'vscode';
import type { Protocol2CodeConverter, PublishDiagnosticsParams } from 'vscode-languageclient';
import {
  type FirstDiagnostics,
  type OpenDocument,
  POLICY_JSON,
  POLICY_YAML,
  type PolicyLensInitializationOptions,
} from '../../server/src/protocol';
import type { FirstPublication, PolicyLensApi } from './api';

const OUR_LANGUAGES = new Set([POLICY_YAML, POLICY_JSON]);

/** The first publications computed as the extension activates, and when (ms after `activate()`). */
export interface ComputedFirstDiagnostics {
  publications: PublishDiagnosticsParams[];
  /** When the computation began, and when the engine's modules were loaded. */
  startedAt: number;
  loadedAt: number;
}

/**
 * A document longer than this waits for the server: the extension host is shared with every other
 * extension, and the server analyses long documents in slices (lsp/documents.ts).
 */
const MAX_EARLY_CHARS = 64 * 1024;

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
  docs = docs.filter((d) => d.text.length <= MAX_EARLY_CHARS);
  if (!docs.length || options.validate === false) return undefined;
  const startedAt = since();
  const compute = await load();
  const loadedAt = since();
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString());
  return { publications: compute(docs, options, folders), startedAt, loadedAt };
}

export class EarlyDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('policyLens.early');
  /**
   * The URIs the server has published for before the sets were shown: none is shown for them. Only
   * filled until `show` has run, so that it does not grow with every publication of a long session.
   */
  private readonly fromServer = new Set<string>();
  private settled = false;
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
      // Switching a document to our language id (adoption.ts) closes and reopens it within one
      // event from the workbench: the set goes with the close and comes back with the reopening of
      // the same version in our language. A document still closed once that event is handled was
      // closed for good, and its set is forgotten.
      vscode.workspace.onDidCloseTextDocument((doc) => {
        const key = doc.uri.toString();
        if (!this.current.has(key)) return;
        this.collection.delete(doc.uri);
        queueMicrotask(() => {
          if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) this.current.delete(key);
        });
      }),
      vscode.workspace.onDidOpenTextDocument((doc) => {
        const kept = this.current.get(doc.uri.toString());
        if (!kept) return;
        if (kept.version === doc.version && OUR_LANGUAGES.has(doc.languageId))
          this.collection.set(doc.uri, kept.diagnostics);
        else this.remove(doc.uri);
      }),
    ];
  }

  /** Drops a document's set; a document with none costs nothing (no message to the workbench). */
  private remove(uri: vscode.Uri): void {
    if (this.current.delete(uri.toString())) this.collection.delete(uri);
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
    this.settle();
    return shown;
  }

  /** Nothing more will be shown (shown, or nothing to compute): stop recording publications. */
  settle(): void {
    this.settled = true;
    this.fromServer.clear();
  }

  /**
   * The server is about to publish for this URI: its set replaces ours (called just before it is
   * set, in the same turn). What was shown until then is kept for the suite.
   */
  serverWillPublish(uri: vscode.Uri): void {
    const key = uri.toString();
    if (!this.settled) this.fromServer.add(key);
    if (!this.current.has(key)) return;
    if (!this.before.has(key)) this.before.set(key, vscode.languages.getDiagnostics(uri));
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

  /** The server stopped or did not start, or validation was turned off: nothing computed here stays. */
  clear(): void {
    if (!this.current.size) return;
    this.current.clear();
    this.collection.clear();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
