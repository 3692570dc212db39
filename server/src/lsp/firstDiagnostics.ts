// The first diagnostics of the policies open as the VS Code extension starts, computed in the
// extension host by the same code as the server's first publication, so that the editor shows them
// while the server's process is still starting (docs/decisions/extension.md, "Activation time",
// eighth round). The extension gets this function from its loader (boot/entries.ts), never by an
// import: the client still talks to the server only through the protocol (DESIGN rule 4).
//
// What the server publishes first for a document sent with `initialize` is its single-file
// analysis: the workspace index is not ready yet, so no cross-file finding is added (the chain's
// provider gives none until the scan is done), and no project config applies (the client sends no
// document under a policylens.config.yaml early). The same store, matcher and conversion are used
// here, with the same initialization options, so the two cannot differ; the language server's
// suite checks it on the 193 inputs of the lint, dialect, detection and config fixtures
// (test/lsp/first-diagnostics.test.ts).
import type { PublishDiagnosticsParams } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { FirstDiagnostics } from '../protocol/initialization';
import { toDiagnostic } from './convert';
import { DocumentStore } from './documents';
import { FileMatcher, readSettings } from './settings';

/** What the store reads of the editor's documents: only the ones given. */
type Documents = ConstructorParameters<typeof DocumentStore>[0];

export const firstDiagnostics: FirstDiagnostics = (docs, options, folders) => {
  const settings = readSettings(options);
  if (!settings.validate) return [];
  const byUri = new Map<string, TextDocument>();
  for (const d of docs) byUri.set(d.uri, TextDocument.create(d.uri, d.languageId, d.version, d.text));
  const documents = {
    get: (uri: string) => byUri.get(uri),
    all: () => [...byUri.values()],
  } as unknown as Documents;
  const store = new DocumentStore(documents, new FileMatcher(settings, () => [...folders]), () => undefined);
  const out: PublishDiagnosticsParams[] = [];
  for (const td of byUri.values()) {
    const doc = store.get(td.uri);
    if (!doc) continue;
    const linesOf = (uri: string) => store.linesOf(uri);
    const diagnostics = doc.findings().map((f) => toDiagnostic(f, doc.lines, linesOf));
    out.push({ uri: td.uri, version: td.version, diagnostics });
  }
  return out;
};
