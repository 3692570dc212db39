import {
  CodeLensRefreshRequest,
  FileChangeType,
  MessageType,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type Connection,
  type InitializeResult,
  type ServerCapabilities,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { createWorkspaceChain } from './chain/workspaceChain';
import type { CodeLensProvider, CommandHandler, Feature, ServerContext } from './context';
import { DiagnosticsScheduler } from './diagnostics';
import { DocumentStore } from './documents';
import { EarlyDocuments } from './earlyDocuments';
import { KnownFolders, relevantFileEvents } from './fileEvents';
import { LanguageAdoption } from './languageAdoption';
import { answerRefused } from './lifecycle';
import { SettingsWarnings } from './settingsChecks';
import type { Runtime } from './runtime';
import {
  analysisKey,
  defaultSettings,
  FileMatcher,
  isYamlOrJsonName,
  readSettings,
  type Settings,
} from './settings';
import { ProjectConfigs } from './projectConfig';
import { codeActionFeature } from './handlers/codeAction';
import { codeLensFeature } from './handlers/codeLens';
import { completionFeature } from './handlers/completion';
import { didChangeWatchedFilesFeature } from './handlers/didChangeWatchedFiles';
import { documentSymbolFeature } from './handlers/documentSymbol';
import { executeCommandFeature } from './handlers/executeCommand';
import { foldingRangeFeature } from './handlers/foldingRange';
import { hoverFeature } from './handlers/hover';
import { chainFeature } from './chainFeature';
import { definitionFeature } from './handlers/definition';
import { referencesFeature } from './handlers/references';
import { renameFeature } from './handlers/rename';
import { chainOrderFeature } from './handlers/chainOrder';
import { policyTestsFeature } from './handlers/policyTests';
import { policyTestFilesFeature } from './testFileDiagnostics';
import { syncFeature } from './sync/feature';
import { logLine, publishDiagnostics } from './publish';

/**
 * Every feature of the server. Adding one is one line here: it announces its capabilities and
 * registers its handlers and providers on the shared context (see docs/decisions/lsp.md).
 */
export const FEATURES: Feature[] = [
  completionFeature,
  hoverFeature,
  codeActionFeature,
  executeCommandFeature,
  documentSymbolFeature,
  foldingRangeFeature,
  codeLensFeature,
  didChangeWatchedFilesFeature,
  chainFeature,
  definitionFeature,
  referencesFeature,
  renameFeature,
  chainOrderFeature,
  policyTestsFeature,
  policyTestFilesFeature,
  syncFeature,
];

/** Merges capability objects one level deep (so two features can both add to `workspace`). */
function mergeCapabilities(into: ServerCapabilities, more: ServerCapabilities): void {
  const target = into as Record<string, unknown>;
  for (const [k, v] of Object.entries(more)) {
    const old = target[k];
    if (old && v && typeof old === 'object' && typeof v === 'object' && !Array.isArray(v))
      target[k] = { ...old, ...v };
    else target[k] = v;
  }
}

/** Wires the language server onto a connection. `main.ts` passes the Node runtime. */
export function startServer(
  connection: Connection,
  runtime: Runtime,
  features: Feature[] = FEATURES,
): ServerContext {
  const log = (message: string) => logLine(connection, message);
  answerRefused(connection, log);
  const textDocuments = new TextDocuments(TextDocument);
  const early = new EarlyDocuments(log);
  let settings: Settings = defaultSettings();
  let folders: string[] = [];
  let client: ClientCapabilities = {};
  let trusted = true;
  let clientCommands = false;
  const settingsListeners: ((s: Settings) => void)[] = [];
  const projectListeners: (() => void)[] = [];
  const fileListeners: Parameters<ServerContext['files']['onDidChange']>[0][] = [];
  const followed: ((uri: string) => boolean)[] = [];
  const codeLensProviders: CodeLensProvider[] = [];
  const commandHandlers = new Map<string, CommandHandler>();

  // The folders whose deletion is handed on to the listeners (fileEvents.ts).
  const knownFolders = new KnownFolders();
  const projects = new ProjectConfigs();
  const matcher = () => new FileMatcher(settings, () => folders, projects);
  const store = new DocumentStore(textDocuments, matcher(), log);
  let policyLanguages = false;
  const adoption = new LanguageAdoption(
    connection,
    () => policyLanguages,
    (uri) => scheduler.refresh(uri),
    log,
  );
  const scheduler = new DiagnosticsScheduler(
    connection,
    store,
    runtime,
    log,
    () => settings.validate,
    (uri, languageId) => adoption.defers(uri, languageId),
  );

  // The workspace's chain in its three parts (scanner, index holder, re-publisher), each given only
  // what it uses; the features reach it through the context.
  const chain = createWorkspaceChain({
    openDocuments: () => store.all(),
    scanner: {
      runtime,
      workspaceFolders: () => folders,
      projectRead: () => configsRead,
      gitignore: (folder) => projects.gitignore(folder),
      isExcluded: (uri) => store.isExcluded(uri),
      dialectFor: (uri) => store.dialectFor(uri),
      isOpen: (uri) => !!textDocuments.get(uri),
      listed: (uri) => knownFolders.addFile(uri),
      whenQuiet: (quietMs, maxWaitMs) => scheduler.whenQuiet(quietMs, maxWaitMs),
      progress: () => connection.window.createWorkDoneProgress(),
      log,
    },
    republisher: {
      runtime,
      openUris: () => textDocuments.all().map((td) => td.uri),
      document: (uri) => store.get(uri),
      refresh: (uri) => scheduler.refresh(uri),
      canRefreshLenses: () => !!client.workspace?.codeLens?.refreshSupport,
      refreshLenses: () => void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined),
    },
  });
  // Before the index is ready, a document with nothing to report waits for its cross-file findings
  // (diagnostics.ts `holdEmptyWhile`). Not with validation off (no findings will come), nor those
  // sent with `initialize`: their first publication is the server's answer at the editor's start,
  // which replaces the extension's own (earlyDocuments.ts).
  scheduler.holdEmptyWhile((uri) => {
    if (chain.index.isReady || !settings.validate || early.sentWithInitialize(uri)) return false;
    // The scan that ends the hold starts with the first findings asked for; a hold makes sure of it.
    void chain.scanner.ready();
    return true;
  });
  chain.index.onReady(() => scheduler.releaseHeld());
  const ctx: ServerContext = {
    chain,
    connection,
    runtime,
    documents: store,
    settings: { current: () => settings, onDidChange: (l) => settingsListeners.push(l) },
    project: {
      liveUrl: () => projects.liveUrl,
      replayEvents: () => projects.replayEvents,
      includedFolders: () => projects.includedFolders(),
      gitignore: (folder) => projects.gitignore(folder),
      read: () => configsRead,
      onDidChange: (l) => projectListeners.push(l),
    },
    diagnostics: {
      addProvider: (p) => store.providers.push(p),
      refresh: (uri) => scheduler.refresh(uri),
      refreshAll: () => scheduler.refreshAll(),
      whenQuiet: (quietMs, maxWaitMs) => scheduler.whenQuiet(quietMs, maxWaitMs),
      userWaits: () => scheduler.userWaits(),
    },
    codeLens: { register: (p) => codeLensProviders.push(p), providers: codeLensProviders },
    commands: { register: (id, h) => commandHandlers.set(id, h), handlers: commandHandlers },
    files: {
      onDidChange: (l) => fileListeners.push(l),
      follow: (wanted) => followed.push(wanted),
      emit: (all) => {
        // The one door of file events: what no listener can act on stops here (fileEvents.ts).
        const changes = relevantFileEvents(all, knownFolders, (uri) => followed.some((w) => w(uri)));
        if (!changes.length) return;
        for (const l of fileListeners) {
          try {
            l(changes);
          } catch (e) {
            log(`a file-change listener failed: ${(e as Error).stack ?? e}`);
          }
        }
      },
    },
    clientCapabilities: () => client,
    workspaceFolders: () => folders,
    trusted: () => trusted,
    clientRunsCommands: () => clientCommands,
    log,
  };

  function applySettings(raw: unknown): void {
    const next = readSettings(raw, settings);
    warnings.checkDialects(next.dialects);
    // The same settings arrive twice at start (pushed, then pulled once the client answers, which
    // may be after it opened the whole workspace): only a change of what analysis depends on
    // re-decides which documents are policies and re-analyses them. Listeners hear every push
    // (the lenses and the live session compare what they read themselves).
    const same = analysisKey(next) === analysisKey(settings);
    settings = next;
    if (!same) store.setMatcher(matcher());
    for (const l of settingsListeners) l(settings);
    if (!same) scheduler.refreshAll();
  }

  /**
   * Reads the workspace folders' policylens.config.yaml (at start, and whenever one changes): the
   * policy files, dialects and severities follow it, and its own problems are shown on it.
   */
  let configFiles: string[] = [];
  // The first read of the configs, which the workspace scan waits for (a config may turn the
  // .gitignore filter off, or exclude folders): without it, which files the scan indexed would
  // depend on which of the two finished first.
  let configsWereRead = (): void => undefined;
  const configsRead = new Promise<void>((resolve) => (configsWereRead = resolve));
  /** The newest load of the configs: an older one that it overtook ends with its outcome. */
  let latestLoad: Promise<boolean> = Promise.resolve(false);
  /** Returns whether the configs changed: the project listeners then ran (the scan re-lists). */
  function loadProjectConfigs(): Promise<boolean> {
    return (latestLoad = readProjectConfigs());
  }
  async function readProjectConfigs(): Promise<boolean> {
    try {
      const { reports, changed, stale } = await projects.load(folders, runtime.fs);
      // A newer load started while this one read (the configs or the folders changed meanwhile):
      // its result is the one to show and act on.
      if (stale) return await latestLoad;
      for (const uri of configFiles)
        if (!reports.some((r) => r.uri === uri)) publishDiagnostics(connection, { uri, diagnostics: [] });
      for (const r of reports) publishDiagnostics(connection, r);
      configFiles = reports.map((r) => r.uri);
      // Documents opened before the configs were read were analysed without them: only a change
      // re-decides and re-analyses them (at start with no config file, nothing is published twice).
      if (!changed) return false;
      store.setMatcher(matcher());
      scheduler.refreshAll();
      for (const l of projectListeners) l();
      return true;
    } catch (e) {
      log(`reading policylens.config.yaml failed: ${(e as Error).stack ?? e}`);
      return false;
    } finally {
      configsWereRead();
    }
  }

  // Deleted files lose their diagnostics even when the editor still shows them; an open document
  // whose file comes back (`git stash pop`, a checkout that removes and re-adds it) shows them again.
  ctx.files.onDidChange((changes) => {
    for (const c of changes)
      if (c.type === FileChangeType.Deleted) {
        if (isYamlOrJsonName(c.uri)) scheduler.clear(c.uri);
      } else if (c.type === FileChangeType.Created && textDocuments.get(c.uri)) scheduler.refresh(c.uri);
    if (changes.some((c) => ProjectConfigs.isConfigUri(c.uri))) void loadProjectConfigs();
  });
  for (const f of features) f.register(ctx);

  /** When the client's `initialize` arrived (the start-up line says it: the client may be late). */
  let initializeAt = 0;
  connection.onInitialize((params): InitializeResult => {
    initializeAt = runtime.now();
    client = params.capabilities;
    // The deprecated `rootPath` is all that some older clients send: a workspace all the same.
    const root = params.rootUri ?? (params.rootPath ? URI.file(params.rootPath).toString() : undefined);
    folders = params.workspaceFolders?.map((f) => f.uri) ?? (root ? [root] : []);
    const init = params.initializationOptions as
      | { trusted?: unknown; policyLanguages?: unknown; openDocuments?: unknown; clientCommands?: unknown }
      | undefined;
    trusted = init?.trusted !== false;
    clientCommands = init?.clientCommands === true;
    policyLanguages = init?.policyLanguages === true;
    if (params.initializationOptions) applySettings(params.initializationOptions);
    // The open policies the client sent along are analysed from a timer, so after this answer
    // is on its way: they are published before the client could send `didOpen` (earlyDocuments.ts).
    early.openFromInitialize(init?.openDocuments);
    const capabilities: ServerCapabilities = {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
    };
    for (const f of features) if (f.capabilities) mergeCapabilities(capabilities, f.capabilities(client));
    // Folders added to or removed from the workspace are followed (`foldersChanged`).
    if (client.workspace?.workspaceFolders)
      mergeCapabilities(capabilities, {
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      });
    if (commandHandlers.size) capabilities.executeCommandProvider = { commands: [...commandHandlers.keys()] };
    return { capabilities, serverInfo: { name: 'policy-lens' } };
  });

  connection.onInitialized(() => {
    // The start-up timeline (docs/decisions/marketplace.md): the Node runtime's clock counts from
    // the process start, so this is the time to load the server and be initialized.
    const detail = runtime.loadDetail ? `; ${runtime.loadDetail}` : '';
    const loaded =
      runtime.loadedAt !== undefined
        ? ` (initialize received at ${Math.round(initializeAt)} ms; code loaded at ${Math.round(runtime.loadedAt)} ms${detail})`
        : '';
    log(`initialized at ${Math.round(runtime.now())} ms${loaded}`);
    if (client.workspace?.configuration) void pullSettings();
    void loadProjectConfigs();
    if (client.workspace?.workspaceFolders)
      connection.workspace.onDidChangeWorkspaceFolders(
        (e) =>
          void foldersChanged(
            e.added.map((f) => f.uri),
            e.removed.map((f) => f.uri),
          ),
      );
    for (const f of features) {
      try {
        f.initialized?.(ctx);
      } catch (e) {
        log(`feature ${f.name} failed after initialized: ${(e as Error).stack ?? e}`);
      }
    }
  });

  /**
   * Folders added to or removed from the workspace (a multi-root workspace grows): their configs are
   * read, which files are policies is decided again, and the workspace scan re-lists. The folders
   * were fixed at `initialize`: a prerequisite in an added folder stayed "missing".
   */
  async function foldersChanged(added: string[], removed: string[]): Promise<void> {
    folders = [...folders.filter((f) => !removed.includes(f)), ...added.filter((f) => !folders.includes(f))];
    // Configs that changed did all of it already (their project listener re-lists the scan): doing
    // it again re-listed the whole workspace a second time and analysed every open document twice.
    if (await loadProjectConfigs()) return;
    store.setMatcher(matcher());
    scheduler.refreshAll();
    await chain.scanner.rescan();
  }

  async function pullSettings(): Promise<void> {
    try {
      const [section] = await connection.workspace.getConfiguration([{ section: 'policyLens' }]);
      if (section && typeof section === 'object') applySettings(section);
    } catch (e) {
      log(`reading the policyLens settings failed: ${(e as Error).message}`);
    }
  }

  // A notification, not showMessageRequest: every client shows it, and nothing waits for an answer.
  const warnings = new SettingsWarnings(log, (message) => {
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
  });
  connection.onDidChangeConfiguration((params) => {
    const pushed = warnings.sectionOf(params.settings);
    if (pushed) applySettings(pushed);
    else if (client.workspace?.configuration) void pullSettings();
  });

  textDocuments.onDidChangeContent((e) => scheduler.schedule(e.document.uri));
  textDocuments.onDidOpen((e) => knownFolders.addFile(e.document.uri));
  textDocuments.onDidClose((e) => {
    scheduler.clear(e.document.uri, true);
    store.forget(e.document.uri);
    adoption.forget(e.document.uri);
  });
  // The start-up timeline (docs/decisions/extension.md): when the first document arrived, and as what.
  const firstOpen = textDocuments.onDidOpen((e) => {
    firstOpen.dispose();
    const from = early.opening ? ', sent with initialize' : '';
    log(`first document opened at ${Math.round(runtime.now())} ms (${e.document.languageId}${from})`);
  });
  textDocuments.listen(early.connection(connection));
  connection.listen();
  return ctx;
}
