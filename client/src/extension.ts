// The Policy Lens extension: starts the language server, and shows the sync plan, the policy history
// and the evaluation chain in native tree views. It activates on policy files (see `activationEvents`)
// and on its commands and views.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Protocol2CodeConverter } from 'vscode-languageclient';
import { State } from 'vscode-languageclient/node';
import {
  type FirstDiagnostics,
  type OpenDocument,
  type PolicyLensInitializationOptions,
  POLICY_JSON,
  POLICY_YAML,
  PlanChangedNotification,
  type PolicyHistoryParams,
  type WorkspacePlan,
} from '../../server/src/protocol';
import { SHOW_AFFECTED_EVENTS_COMMAND, showAffectedEvents } from './affectedEvents';
import { ApiKeyStore, adoptEnvironmentKey, setApiKeyCommand, signOutCommand } from './apiKey';
import { LanguageAdoption } from './adoption';
import { EarlyDiagnostics, computeFirstDiagnostics } from './earlyDiagnostics';
import { type ExportOptions, exportLiveOnly } from './exportCommand';
import { EarlyDocuments } from './earlyDocuments';
import { RestartPolicy, createLanguageClient, initializationOptionsOf, serverEnv } from './languageClient';
import { PlanModel } from './planModel';
import { describePlan } from './planWords';
import { ServerProcesses } from './serverProcess';
import { Session } from './session';
import { needsRestart, readSettings } from './settings';
import { createStatusBar, showPlanInStatusBar } from './statusBar';
import { type ApplyOptions, applyPlan, openPlanDiff } from './syncCommands';
import { SCHEME, VirtualDocuments } from './virtualDocuments';
import { ChainTree } from './views/chainView';
import {
  HistoryTree,
  OPEN_VERSION_DIFF_COMMAND,
  openVersionDiff,
  verifyAuditChain,
} from './views/historyView';
import { OPEN_DIFF_COMMAND, SyncTree } from './views/syncView';
import { registerPolicyTests } from './tests/policyTests';

import type { ActivationTimings, PolicyLensApi } from './api';

export type { ActivationTimings, FirstPublication, PolicyLensApi } from './api';

const POLICY_LANGUAGES = new Set([POLICY_YAML, POLICY_JSON, 'yaml', 'json', 'jsonc']);

/**
 * `load`: how dist/extension.js read, inflated and compiled the bundle before VS Code called this;
 * `firstDiagnostics`: the server's first-publication code, which the loader hands in (lsp/
 * firstDiagnostics.ts), for the diagnostics shown while the server starts (earlyDiagnostics.ts).
 */
export async function activate(
  context: vscode.ExtensionContext,
  load?: string,
  firstDiagnostics?: () => Promise<FirstDiagnostics>,
): Promise<PolicyLensApi> {
  const activatedAt = performance.now();
  const timings: ActivationTimings = {};
  const out = vscode.window.createOutputChannel('Policy Lens', { log: true });
  const since = () => Math.round(performance.now() - activatedAt);
  if (load) out.info(`Extension ${load}; activated at ${Math.round(activatedAt)} ms.`);
  // Open policies that opened as YAML or JSON switch to our language now, while the server starts,
  // instead of once it has read them and asked (adoption.ts).
  const adoption = new LanguageAdoption(out, (step, doc) => {
    const key = step === 'started' ? 'earlySwitchStartedMs' : 'earlySwitchMs';
    timings[key] ??= since();
    out.info(`Language switch ${step} by the extension: ${doc.uri.path} (${since()} ms after activation).`);
  });
  for (const doc of vscode.workspace.textDocuments) adoption.sniff(doc);
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument((doc) => adoption.sniff(doc)));
  // The server's process next, before anything awaits: the client takes it when it starts
  // (serverProcess.ts).
  const serverModule = context.asAbsolutePath('dist/server.js');
  const processes = new ServerProcesses(out);
  if (existsSync(serverModule)) {
    processes.prestart({ serverModule, env: serverEnv(readSettings(), vscode.workspace.isTrusted) });
    timings.serverForkMs = since();
    out.info(`Language server process forked (${timings.serverForkMs} ms after activation).`);
  }
  const early = new EarlyDocuments(adoption);
  const earlyDiagnostics = new EarlyDiagnostics();
  context.subscriptions.push(earlyDiagnostics);
  const keys = new ApiKeyStore(context.secrets);
  const docs = new VirtualDocuments();
  const session = new Session();
  const restartPolicy = new RestartPolicy(out);
  // The key is read once at start, and nothing waits for it: the server starts at once and gets it
  // on its standard input when the read is done (only its first read of the live org waits). In a
  // browser-hosted VS Code the secret storage answers only once the workbench is up, seconds into
  // a start on a busy machine; the first diagnostics do not need the key.
  let hasKey = false;
  let pendingKey: Promise<string | undefined> | undefined = (async () => {
    if (vscode.workspace.isTrusted) await adoptEnvironmentKey(keys, context.globalState, process.env, out);
    const key = await keys.get();
    hasKey = Boolean(key);
    timings.keyReadMs = Math.round(performance.now() - activatedAt);
    out.info(`API key read from secret storage (${timings.keyReadMs} ms after activation).`);
    return key;
  })();
  /** The key the running server was started with, so that only a different one restarts it. */
  let serverKey: string | undefined;

  const gate = () => ({ trusted: vscode.workspace.isTrusted, apiUrl: readSettings().apiUrl, hasKey });
  const plan = new PlanModel(session, gate);
  const syncTree = new SyncTree(plan);
  const historyTree = new HistoryTree(session);
  const chainTree = new ChainTree(session);
  const syncView = vscode.window.createTreeView('policyLens.sync', {
    treeDataProvider: syncTree,
    showCollapseAll: true,
  });
  const historyView = vscode.window.createTreeView('policyLens.history', { treeDataProvider: historyTree });
  const chainView = vscode.window.createTreeView('policyLens.chain', {
    treeDataProvider: chainTree,
    showCollapseAll: true,
  });
  const status = createStatusBar();
  let statusShown = false;
  const policyTests = registerPolicyTests(session, context);

  context.subscriptions.push(
    out,
    syncView,
    historyView,
    chainView,
    status,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, docs),
  );

  plan.onDidChange((p: WorkspacePlan) => {
    const { message, description } = describePlan(p);
    syncView.message = message;
    syncView.description = description;
    statusShown = showPlanInStatusBar(status, p);
    void vscode.commands.executeCommand('setContext', 'policyLens.syncState', p.state);
  });
  historyTree.onDidLoad((h) => {
    // The policy's name, or its workspace-relative path: never the raw file:/// URI it was asked by.
    historyView.description = h.policy?.name ?? h.label;
    historyView.message =
      h.state === 'ok'
        ? h.events.length
          ? undefined
          : 'No recorded events.'
        : (h.message ?? stateMessage(h.state));
  });

  // Starting and restarting the server. Everything the server needs to know about trust and the key is
  // fixed when it starts, so a change of either starts a fresh server.
  let starting: Promise<void> = Promise.resolve();
  let firstStart = true;
  const showFirstDiagnostics = async (
    load: () => Promise<FirstDiagnostics>,
    docs: readonly OpenDocument[],
    options: PolicyLensInitializationOptions,
    client: { protocol2CodeConverter: Protocol2CodeConverter },
  ) => {
    try {
      const computed = await computeFirstDiagnostics(load, docs, options, since);
      if (!computed) return;
      const shown = earlyDiagnostics.show(computed.publications, client.protocol2CodeConverter);
      if (!shown) return;
      timings.earlyDiagnosticsMs = since();
      timings.earlyDiagnosticsDocuments = shown;
      timings.firstDiagnosticsMs ??= timings.earlyDiagnosticsMs;
      out.info(
        `First diagnostics of ${shown} open document(s) computed by the extension (${timings.earlyDiagnosticsMs} ms after activation: begun at ${computed.startedAt} ms, the engine loaded at ${computed.loadedAt} ms).`,
      );
    } catch (e) {
      out.error(
        `The first diagnostics could not be computed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
    } finally {
      earlyDiagnostics.settle();
    }
  };
  const startServer = async () => {
    await session.stop();
    earlyDiagnostics.clear();
    if (!existsSync(serverModule)) {
      out.error(`The language server is missing (${serverModule}); the extension was not built completely.`);
      await refreshViews(false);
      return;
    }
    const settings = readSettings();
    const trusted = vscode.workspace.isTrusted;
    const key = (pendingKey ?? Promise.resolve(keys.get())).then((k) => {
      serverKey = trusted ? k : undefined;
      return serverKey;
    });
    pendingKey = undefined;
    const client = createLanguageClient({
      serverModule,
      settings,
      trusted,
      apiKey: key,
      out,
      policy: restartPolicy,
      processes,
      adoption,
      early,
      onAdoption: (step) => {
        const key = step === 'asked' ? 'adoptAskedMs' : 'adoptSwitchedMs';
        if (timings[key] !== undefined) return;
        timings[key] = Math.round(performance.now() - activatedAt);
        out.info(`Language switch ${step} (${timings[key]} ms after activation).`);
      },
      // The server's publication replaces what the extension computed, in the same turn.
      beforeDiagnostics: (uri) => earlyDiagnostics.serverWillPublish(uri),
      onDiagnostics: (uri, diagnostics) => {
        earlyDiagnostics.serverPublished(uri, diagnostics);
        if (timings.serverFirstDiagnosticsMs !== undefined) return;
        if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) {
          timings.serverFirstDiagnosticsMs = since();
          timings.firstDiagnosticsMs ??= timings.serverFirstDiagnosticsMs;
          out.info(
            `First diagnostics of an open document from the server (${timings.serverFirstDiagnosticsMs} ms after activation).`,
          );
        }
      },
    });
    // At the first start only, the first diagnostics of the policies `initialize` will carry are
    // computed here with the server's own code while the server's process starts, and shown at
    // once (earlyDiagnostics.ts). The computation runs before the client has written `initialize`,
    // which does not delay it: the server is the slower party, and reads it as soon as its code is
    // loaded (decisions/extension.md, "eighth round"). A restart shows nothing until the new server
    // publishes: the client drops its diagnostics as it stops.
    if (firstStart) {
      firstStart = false;
      if (!firstDiagnostics) earlyDiagnostics.settle();
      else {
        // A server that stops for good (or crashes and is not restarted) takes the set with it.
        client.onDidChangeState((e) => {
          if (e.newState === State.Stopped) earlyDiagnostics.clear();
        });
        const options = initializationOptionsOf(settings, trusted);
        void showFirstDiagnostics(firstDiagnostics, early.select(), options, client);
      }
    }
    timings.clientStartMs ??= Math.round(performance.now() - activatedAt);
    out.info(`Starting the language server (${timings.clientStartMs} ms after activation).`);
    try {
      await session.start(client, PlanChangedNotification);
      timings.serverReadyMs ??= Math.round(performance.now() - activatedAt);
      timings.earlyDocuments ??= early.sent;
      const closed = early.closeUnopened(client);
      if (closed)
        out.info(`${closed} of the policies sent with initialize closed before the client opened them.`);
      out.info(
        `Language server started (${trusted ? 'trusted' : 'untrusted'} workspace, ${timings.serverReadyMs} ms after activation).`,
      );
    } catch (err) {
      earlyDiagnostics.clear();
      out.error(`The language server did not start: ${err instanceof Error ? err.message : String(err)}`);
    }
    await refreshViews(false);
    // The views asked before the key was read took "no key" for an answer: ask again with it.
    void key.then(() => refreshViews(false));
  };
  const restart = () => {
    starting = starting.then(startServer);
    return starting;
  };

  const refreshViews = async (reread: boolean) => {
    await plan.refresh(reread);
    if (chainView.visible) await chainTree.load();
    if (historyView.visible && historyTree.target) await historyTree.load(historyTree.target);
  };

  const historyTargetFromEditor = (): PolicyHistoryParams | undefined => {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.uri.scheme !== 'file' || !POLICY_LANGUAGES.has(doc.languageId)) return undefined;
    return { uri: doc.uri.toString() };
  };

  const reg = (id: string, fn: (...args: never[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, fn as (...args: unknown[]) => unknown));
  reg('policyLens.setApiKey', (key?: string) => setApiKeyCommand(keys, key));
  reg('policyLens.signOut', () => signOutCommand(keys, context.globalState));
  reg('policyLens.restartServer', () => {
    restartPolicy.reset();
    return restart();
  });
  reg('policyLens.showOutput', () => out.show());
  reg('policyLens.sync.refresh', () => refreshViews(true));
  reg('policyLens.sync.apply', (options?: ApplyOptions) => applyPlan(session, plan, out, options));
  reg('policyLens.exportLiveOnly', (options?: ExportOptions) => exportLiveOnly(session, plan, out, options));
  reg(OPEN_DIFF_COMMAND, (entry: Parameters<typeof openPlanDiff>[2]) => openPlanDiff(session, docs, entry));
  reg(SHOW_AFFECTED_EVENTS_COMMAND, (target?: Parameters<typeof showAffectedEvents>[3]) =>
    showAffectedEvents(session, docs, plan, target),
  );
  reg('policyLens.history.show', async (target?: PolicyHistoryParams) => {
    let chosen = target ?? historyTargetFromEditor();
    if (!target) {
      const names = plan.plan.entries.filter((e) => e.action !== 'create').map((e) => e.name);
      if (names.length > 0) {
        const pick = await vscode.window.showQuickPick(names, {
          title: 'Policy Lens: Show History',
          placeHolder: 'Policy',
        });
        if (pick === undefined) return undefined;
        chosen = { name: pick };
      }
    }
    await vscode.commands.executeCommand('policyLens.history.focus');
    return historyTree.load(chosen);
  });
  reg('policyLens.history.refresh', () => historyTree.load(historyTree.target ?? historyTargetFromEditor()));
  reg('policyLens.history.verify', () => verifyAuditChain(session, historyTree));
  reg(OPEN_VERSION_DIFF_COMMAND, (index: number) => openVersionDiff(historyTree, docs, index));
  reg('policyLens.chain.refresh', () => chainTree.load());

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (needsRestart(e, vscode.workspace.isTrusted)) void restart();
      if (e.affectsConfiguration('policyLens.validate')) earlyDiagnostics.clear();
      if (e.affectsConfiguration('policyLens.statusBar'))
        statusShown = showPlanInStatusBar(status, plan.plan);
    }),
    keys.onDidChange(async () => {
      const key = await keys.get();
      hasKey = Boolean(key);
      // The key adopted from the environment at start is already the running server's.
      if (key !== serverKey || !vscode.workspace.isTrusted) void restart();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      await adoptEnvironmentKey(keys, context.globalState, process.env, out);
      hasKey = Boolean(await keys.get());
      void restart();
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => adoption.forget(doc)),
    vscode.workspace.onDidSaveTextDocument((doc) => {
      if (POLICY_LANGUAGES.has(doc.languageId)) void refreshViews(false);
    }),
    session.onDidChangePlan(() => void refreshViews(false)),
    vscode.window.onDidChangeActiveTextEditor(() => {
      const target = historyTargetFromEditor();
      if (target && historyView.visible) void historyTree.load(target);
    }),
    historyView.onDidChangeVisibility((e) => {
      if (e.visible) void historyTree.load(historyTree.target ?? historyTargetFromEditor());
    }),
    chainView.onDidChangeVisibility((e) => {
      if (e.visible) void chainTree.load();
    }),
  );

  // The server re-reads the live org on its own interval; the client re-asks for the (cached) plan on
  // the same interval so the status bar stays current even if a notification is missed.
  const interval = readSettings().refreshIntervalSeconds;
  if (interval > 0) {
    const timer = setInterval(() => void plan.refresh(false), interval * 1000);
    context.subscriptions.push({ dispose: () => clearInterval(timer) });
  }
  context.subscriptions.push({ dispose: () => void session.stop() }, processes);

  void restart();
  return {
    session,
    plan,
    syncTree,
    historyTree,
    chainTree,
    policyTests,
    restartPolicy,
    statusText: () => status.text,
    statusTooltip: () =>
      typeof status.tooltip === 'string' ? status.tooltip : (status.tooltip?.value ?? ''),
    statusVisible: () => statusShown,
    historyDescription: () => historyView.description,
    serverPid: () => (session.client ? processes.current?.pid : undefined),
    hasApiKey: async () => Boolean(await keys.get()),
    ready: () => starting,
    timings: () => ({ ...timings }),
    firstPublications: (uri) => earlyDiagnostics.firstPublications(uri),
  };
}

export function deactivate(): void {
  // Subscriptions stop the language client.
}

function stateMessage(state: string): string {
  switch (state) {
    case 'untrusted':
      return 'Workspace not trusted: the live org is not contacted.';
    case 'not-configured':
      return 'Sync is not configured: set policyLens.apiUrl and run “Policy Lens: Set API Key”.';
    case 'not-found':
      return 'This policy is not in the live org yet.';
    default:
      return 'The live org cannot be reached.';
  }
}
