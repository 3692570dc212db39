// What the VS Code extension tells the server when it starts it.
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

/**
 * `initializationOptions` of the `initialize` request. The API key is deliberately absent: it reaches the
 * server only through the environment variable {@link API_KEY_ENV} of the server process, or its standard
 * input ({@link API_KEY_FROM_ENV}), because
 * initialize params (like every request and notification) are printed verbatim by the client's
 * `policyLens.trace.server: verbose` log, and the key must never appear in a log.
 */
export interface PolicyLensInitializationOptions {
  /**
   * False in an untrusted workspace. The server then never contacts the live org: CodeLens, the sync
   * plan and history answer with the state `untrusted` instead.
   */
  trusted: boolean;
  /** `policyLens.apiUrl`: the live org's base URL, or empty when sync is not configured. */
  apiUrl?: string;
  /**
   * `policyLens.codeLens.*`: a boolean switches every lens; the object switches all of them
   * (`enabled`) and each kind (`sync`: the plan above a bundle, `chain`: the evaluation order).
   */
  codeLens?: boolean | { enabled?: boolean; sync?: boolean; chain?: boolean };
  /** `policyLens.validate`: false publishes no diagnostics. */
  validate?: boolean;
  /** `policyLens.refreshIntervalSeconds`: how often the cached live snapshot is re-read (0 = never). */
  refreshIntervalSeconds?: number;
  /** `policyLens.files`: globs of the files the server treats as policy files. */
  files?: string[];
  /** `policyLens.dialects`: `{ glob: dialectId }`, files matching a glob are read as that dialect. */
  dialects?: Record<string, string>;
  /**
   * \`policyLens.replay.events\`: recorded events (workspace-relative paths) whose replay shows the
   * impact of each pending sync change. Sent only in a trusted workspace.
   */
  replay?: { events?: string | string[] };
  /**
   * The client switches a `yaml`/`json` document that the server recognises as a policy to
   * `policylens-yaml`/`policylens-json` when asked (`policyLens/adoptDocument`). The VS Code
   * extension does; a client that does not set it gets the diagnostics on the document as it is.
   */
  policyLanguages?: boolean;
  /**
   * The policies open in the editor as the client starts the server, already in our language id
   * (`policylens-yaml`/`policylens-json`), at most {@link OPEN_DOCUMENTS_MAX_CHARS} of text in all.
   * The server analyses them as it answers `initialize` and publishes their diagnostics right after
   * the answer, instead of a round trip later, once the client has sent `initialized` and `didOpen`
   * (docs/decisions/extension.md, "Activation time", sixth round). The client still opens each one:
   * a `didOpen` of the same version and text changes nothing, another text replaces it; one the
   * client never opens (closed meanwhile) it closes with `didClose`. Other clients leave it out.
   */
  openDocuments?: OpenDocument[];
  /**
   * The client runs the extension's own commands (`policyLens.setApiKey`, the diff of a sync lens,
   * the affected events…), which the server does not register: its lenses may carry them. The VS
   * Code extension sets it; another client gets those lenses display-only, since a click would ask
   * the server for a command it does not have ("unknown command", found by a field test).
   */
  clientCommands?: boolean;
}

/** A document as `textDocument/didOpen` carries it. */
export interface OpenDocument {
  uri: string;
  languageId: string;
  version: number;
  text: string;
}

/**
 * The server's first publication for the documents it would be sent with `initialize`, computed
 * without a server: the same store, analysis and conversion as the server's (lsp/firstDiagnostics.ts),
 * with the same initialization options and workspace folders. The extension's loader hands it to the
 * extension, which shows the result until the server publishes for each document
 * (client/src/earlyDiagnostics.ts).
 */
export type FirstDiagnostics = (
  docs: readonly OpenDocument[],
  options: PolicyLensInitializationOptions,
  folders: readonly string[],
) => PublishDiagnosticsParams[];

/** The text `openDocuments` may carry in all: `initialize` stays small, a big policy waits for didOpen. */
export const OPEN_DOCUMENTS_MAX_CHARS = 256 * 1024;

/** The environment variable of the server process that carries the API key from SecretStorage. */
export const API_KEY_ENV = 'POLICYLENS_API_KEY';
/**
 * Set to `stdin` by a client that starts the server with `--node-ipc` before it has read the key: the
 * key then follows on the server's standard input (which that transport leaves free), as one line
 * and the end of the input (an empty line: no key). The server answers `initialize` and publishes
 * diagnostics at once; only its first read of the live org waits for the key. Ignored with
 * `--stdio`, where the standard input is the protocol's.
 */
export const API_KEY_FROM_ENV = 'POLICYLENS_API_KEY_FROM';
/**
 * Node's flags the extension starts the language server with. A young generation of 16 MB from the
 * start: the default begins at 1 MB and is scavenged three or four times while the server loads and
 * publishes its first diagnostics, about 6 ms of its CPU; it grows past 16 MB anyway once the
 * server is busy, so only the start changes (+3 MB at its peak). The code cache is named by the
 * flags too, so whatever warms it must start the server with the same (test/e2e/harness/).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--min-semi-space-size=16'];
/** The environment variable of the server process that carries the live org's base URL. */
export const API_URL_ENV = 'POLICYLENS_API_URL';
