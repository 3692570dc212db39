// The policies a client sends with `initialize` (protocol `openDocuments`): opened on the server as
// the answer goes out, so that their diagnostics are published right after it instead of after the
// client's next round trip (`initialized`, then `didOpen`), which at the editor's start waits for an
// extension host busy activating other extensions (docs/decisions/extension.md, "Activation time",
// sixth round). The client's own `didOpen` of the same version and text is then dropped: the server
// already holds that document, analysed and published, and a second analysis would only repeat it.
import type {
  Connection,
  DidOpenTextDocumentParams,
  NotificationHandler,
  TextDocumentItem,
  TextDocuments,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { OPEN_DOCUMENTS_MAX_CHARS } from '../protocol/initialization';
import { POLICY_JSON, POLICY_YAML } from '../protocol/languages';

/** What `TextDocuments.listen` takes (the library does not export the type by name). */
type TextDocumentConnection = Parameters<TextDocuments<TextDocument>['listen']>[0];

export class EarlyDocuments {
  /** The documents opened from `initialize` whose `didOpen` has not arrived yet, by URI. */
  private readonly pending = new Map<string, TextDocumentItem>();
  private open: NotificationHandler<DidOpenTextDocumentParams> | undefined;
  /** True while the documents from `initialize` are being opened (the start-up log line says it). */
  opening = false;
  /** The URIs of every document opened from `initialize`. */
  private readonly sent = new Set<string>();

  constructor(private readonly log: (message: string) => void) {}

  /**
   * The connection as `TextDocuments.listen` should see it: the same, except that a `didOpen` of a
   * document already opened from `initialize`, unchanged, does not reach it.
   */
  connection(connection: Connection): TextDocumentConnection {
    return {
      onDidOpenTextDocument: (handler) => {
        this.open = handler;
        return connection.onDidOpenTextDocument((params) => {
          if (!this.sameAsEarly(params.textDocument)) return handler(params);
        });
      },
      onDidChangeTextDocument: (handler) => connection.onDidChangeTextDocument(handler),
      onDidCloseTextDocument: (handler) =>
        connection.onDidCloseTextDocument((params) => {
          this.pending.delete(params.textDocument.uri);
          return handler(params);
        }),
      onWillSaveTextDocument: (handler) => connection.onWillSaveTextDocument(handler),
      onWillSaveTextDocumentWaitUntil: (handler) => connection.onWillSaveTextDocumentWaitUntil(handler),
      onDidSaveTextDocument: (handler) => connection.onDidSaveTextDocument(handler),
    };
  }

  /**
   * Opens the documents of `initializationOptions.openDocuments`, as many as fit the budget. Only
   * well-formed items in our own language ids are taken: the client already calls them policies,
   * so none has to be asked to switch (which would be a request before `initialized`). Anything
   * else is left for its `didOpen`. Returns how many were opened.
   */
  openFromInitialize(items: unknown): number {
    if (!Array.isArray(items) || !this.open) return 0;
    let chars = 0;
    let opened = 0;
    this.opening = true;
    for (const item of items) {
      if (!isItem(item) || this.pending.has(item.uri)) continue;
      if (item.languageId !== POLICY_YAML && item.languageId !== POLICY_JSON) continue;
      if (chars + item.text.length > OPEN_DOCUMENTS_MAX_CHARS) continue;
      chars += item.text.length;
      const { uri, languageId, version, text } = item;
      const doc = { uri, languageId, version, text };
      this.pending.set(uri, doc);
      this.sent.add(uri);
      try {
        this.open({ textDocument: doc });
        opened++;
      } catch (e) {
        this.pending.delete(uri);
        this.log(`opening ${uri} from initialize failed: ${(e as Error).stack ?? e}`);
      }
    }
    this.opening = false;
    return opened;
  }

  /** Whether a document was opened from `initialize` (its publication is the server's start-up answer). */
  sentWithInitialize(uri: string): boolean {
    return this.sent.has(uri);
  }

  /** Whether the client's `didOpen` is of a document opened from `initialize`, unchanged. */
  private sameAsEarly(doc: TextDocumentItem): boolean {
    const early = this.pending.get(doc.uri);
    if (!early) return false;
    this.pending.delete(doc.uri);
    return early.version === doc.version && early.languageId === doc.languageId && early.text === doc.text;
  }
}

function isItem(x: unknown): x is TextDocumentItem {
  if (!x || typeof x !== 'object') return false;
  const { uri, languageId, version, text } = x as Record<string, unknown>;
  return (
    typeof uri === 'string' &&
    uri.length > 0 &&
    typeof languageId === 'string' &&
    typeof version === 'number' &&
    Number.isInteger(version) &&
    typeof text === 'string'
  );
}
