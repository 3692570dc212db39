import type {
  CancellationToken,
  ClientCapabilities,
  CodeLens,
  Connection,
  FileEvent,
  ServerCapabilities,
} from 'vscode-languageserver';
import type { WorkspaceChain } from './chain/workspaceChain';
import type { DiagnosticsProvider, DocumentStore, PolicyDocument } from './documents';
import type { Runtime } from './runtime';
import type { Settings } from './settings';

/** Lenses for a document; the one `textDocument/codeLens` handler concatenates every provider's. */
export interface CodeLensProvider {
  id: string;
  provide(doc: PolicyDocument, token: CancellationToken): CodeLens[] | Promise<CodeLens[]>;
  /** Fills in a lens returned without a command (optional; lenses should carry `data.provider`). */
  resolve?(lens: CodeLens, token: CancellationToken): CodeLens | Promise<CodeLens>;
}

export type CommandHandler = (args: unknown[], token: CancellationToken) => unknown;

/** Everything a feature may use. Built once by `startServer` and handed to every feature. */
export interface ServerContext {
  connection: Connection;
  runtime: Runtime;
  documents: DocumentStore;
  settings: {
    current(): Settings;
    onDidChange(listener: (s: Settings) => void): void;
  };
  /** What the workspace's policylens.config.yaml says beyond the files (read again on a change). */
  project: {
    /** Its \`live.url\`, when it has one. */
    liveUrl(): string | undefined;
    /** Its \`replay.events\`, as URIs, when it names some. */
    replayEvents(): string[] | undefined;
    /** The folders the workspace's configs name in \`include\` (\`policies/**\`), as URIs. */
    includedFolders(): string[];
    /** Whether .gitignore applies to a file or folder (its nearest config's \`gitignore\`, default true). */
    gitignore(uri: string): boolean;
    /** Resolves once the configs were first read (at \`initialized\`): the scan waits for them. */
    read(): Promise<void>;
    /** Called after the configs were read again and something in them changed. */
    onDidChange(listener: () => void): void;
  };
  diagnostics: {
    addProvider(provider: DiagnosticsProvider): void;
    /** Recomputes and republishes one document's diagnostics soon (if it is an open policy file). */
    refresh(uri: string): void;
    refreshAll(): void;
    /**
     * Resolves when no diagnostics run is pending and none was scheduled for `quietMs` (or after
     * `maxWaitMs`): background work waits for it so that it never delays the documents' diagnostics.
     */
    whenQuiet(quietMs: number, maxWaitMs: number): Promise<void>;
    /**
     * Notes a request the user waits for (completion, hover, code actions): background work waits
     * for a quiet moment after it, as after a keystroke.
     */
    userWaits(): void;
  };
  codeLens: {
    register(provider: CodeLensProvider): void;
    readonly providers: readonly CodeLensProvider[];
  };
  commands: {
    register(id: string, handler: CommandHandler): void;
    readonly handlers: ReadonlyMap<string, CommandHandler>;
  };
  /**
   * The workspace's prerequisite chain, one per server (created by `startServer`): its scanner,
   * index holder and re-publisher. The chain handlers, completion, lenses and the sync feature
   * share its index.
   */
  readonly chain: WorkspaceChain;
  files: {
    /**
     * The `workspace/didChangeWatchedFiles` changes a listener can act on (YAML/JSON files,
     * .gitignore files, deletions of folders that hold a known file; nothing under .git: see
     * fileEvents.ts), after the server's own handling. A batch with none of them is not handed on.
     */
    onDidChange(listener: (changes: FileEvent[]) => void): void;
    /**
     * Hands on the events of the files `wanted` names too, whatever their names (the replay's
     * events files, `.jsonl`). Asked once per event that would be dropped: keep it a lookup.
     */
    follow(wanted: (uri: string) => boolean): void;
    /** Hands changes to every listener (called by the one didChangeWatchedFiles handler). */
    emit(changes: FileEvent[]): void;
  };
  /** The client's capabilities (available once `initialize` arrived). */
  clientCapabilities(): ClientCapabilities;
  /** Workspace folder URIs from `initialize` (the root URI when the client sends no folders). */
  workspaceFolders(): string[];
  /**
   * False when the client said the workspace is not trusted (`initializationOptions.trusted`): the
   * server then never contacts the network, whatever the settings and environment say.
   */
  trusted(): boolean;
  /** True when the client runs the commands the server does not register (`clientCommands`). */
  clientRunsCommands(): boolean;
  log(message: string): void;
}

/**
 * A piece of the server: what it announces in `initialize`, and the handlers it registers. Features
 * are listed in `server.ts`; adding one is one line there.
 */
export interface Feature {
  name: string;
  capabilities?(client: ClientCapabilities): ServerCapabilities;
  register(ctx: ServerContext): void;
  /** After `initialized`: the moment a server may register capabilities dynamically. */
  initialized?(ctx: ServerContext): void;
}
