// Starts the Policy Lens language server (dist/server.js, bundled next to the extension) and keeps it
// running: if the process dies it is restarted, the user is told once, and a server that keeps dying is
// left stopped instead of restarting in a loop.
import * as vscode from 'vscode';
import {
  CloseAction,
  type CloseHandlerResult,
  ErrorAction,
  type ErrorHandler,
  type ErrorHandlerResult,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
} from 'vscode-languageclient/node';
import {
  API_KEY_ENV,
  API_KEY_FROM_ENV,
  API_URL_ENV,
  AdoptDocumentRequest,
  POLICY_JSON,
  POLICY_YAML,
  type PolicyLensInitializationOptions,
} from '../../server/src/protocol';
import type { LanguageAdoption } from './adoption';
import type { EarlyDocuments } from './earlyDocuments';
import type { ServerProcesses } from './serverProcess';
import { type Settings, SECTION } from './settings';

/** Five deaths within this window and the server stays down until the user restarts it. */
const CRASH_WINDOW_MS = 3 * 60_000;
const MAX_RESTARTS = 4;

export class RestartPolicy implements ErrorHandler {
  private crashes: number[] = [];
  private told = false;
  private gaveUp = false;
  /** How many times the server was restarted after dying, for the status and the tests. */
  restarts = 0;

  constructor(private readonly out: vscode.LogOutputChannel) {}

  error(_error: Error, _message: unknown, count: number | undefined): ErrorHandlerResult {
    // A few broken messages are survivable; a stream of them means the connection is gone.
    return {
      action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown,
      handled: true,
    };
  }

  closed(): CloseHandlerResult {
    const now = Date.now();
    this.crashes = this.crashes.filter((t) => now - t < CRASH_WINDOW_MS);
    this.crashes.push(now);
    if (this.crashes.length > MAX_RESTARTS) {
      const message = `The Policy Lens language server stopped ${this.crashes.length} times in 3 minutes and was not restarted again. Run “Policy Lens: Restart Language Server” once the cause is fixed (details in the output).`;
      this.out.error(message);
      if (!this.gaveUp) {
        this.gaveUp = true;
        void vscode.window.showErrorMessage(message, 'Show Output').then((pick) => {
          if (pick) this.out.show();
        });
      }
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    this.restarts++;
    this.out.warn(`The language server stopped unexpectedly; restarting it (restart ${this.restarts}).`);
    if (!this.told) {
      this.told = true;
      void vscode.window.showWarningMessage(
        'The Policy Lens language server stopped unexpectedly and was restarted.',
      );
    }
    return { action: CloseAction.Restart, handled: true };
  }

  /** A deliberate restart by the user starts the count afresh. */
  reset(): void {
    this.crashes = [];
    this.gaveUp = false;
  }
}

export interface ClientInputs {
  serverModule: string;
  settings: Settings;
  trusted: boolean;
  /**
   * The key from SecretStorage, when it has been read: the server starts before that and gets it on
   * its standard input (`API_KEY_FROM_ENV`), never in a message a trace could print.
   */
  apiKey: Promise<string | undefined>;
  out: vscode.LogOutputChannel;
  policy: RestartPolicy;
  /** Forks the server's processes (the first one ahead of the client, as the extension activates). */
  processes: ServerProcesses;
  /** Called with each publication of diagnostics just before it is shown, and just after. */
  beforeDiagnostics?: (uri: vscode.Uri) => void;
  onDiagnostics?: (uri: vscode.Uri, diagnostics: readonly vscode.Diagnostic[]) => void;
  /** Switches documents to our language id when the server asks (adoption.ts). */
  adoption: LanguageAdoption;
  /** Called when the server asks to switch a document's language, and when the switch is done. */
  onAdoption?: (step: 'asked' | 'switched') => void;
  /** The open policies sent with `initialize` (earlyDocuments.ts). */
  early?: EarlyDocuments;
}

/**
 * The server's environment. The URL travels in it and the key on its standard input, which no trace
 * prints. Inherited variables are blanked so that in the editor the only key is the one in
 * SecretStorage ("Sign Out" really signs out), and an untrusted workspace gets neither, so its
 * server cannot reach the network.
 */
export function serverEnv(settings: Settings, trusted: boolean): Record<string, string> {
  return {
    [API_KEY_ENV]: '',
    [API_KEY_FROM_ENV]: 'stdin',
    [API_URL_ENV]: trusted ? settings.apiUrl : '',
    EXECLAVE_API_KEY: '',
    EXECLAVE_BASE_URL: '',
  };
}

/** The `initializationOptions` the client sends, but for `openDocuments` (read as it sends them). */
export function initializationOptionsOf(
  settings: Settings,
  trusted: boolean,
): PolicyLensInitializationOptions {
  return {
    trusted,
    apiUrl: trusted ? settings.apiUrl : '',
    codeLens: settings.codeLens,
    validate: settings.validate,
    refreshIntervalSeconds: settings.refreshIntervalSeconds,
    files: settings.files,
    // Sent at once, so that the first publication (and the extension's own computation of it,
    // earlyDiagnostics.ts) already reads a file a glob forces as that dialect.
    dialects: settings.dialects,
    policyLanguages: true,
    clientCommands: true,
    // Recorded traffic is read only in a trusted workspace (a restricted setting, like the API URL).
    ...(trusted ? { replay: { events: settings.replayEvents } } : {}),
  };
}

export function createLanguageClient(inputs: ClientInputs): LanguageClient {
  const { settings, trusted, processes } = inputs;
  // The process forked as the extension activated, or a new one (serverProcess.ts).
  const serverOptions: ServerOptions = processes.transports({
    serverModule: inputs.serverModule,
    env: serverEnv(settings, trusted),
    apiKey: trusted ? inputs.apiKey : Promise.resolve(undefined),
  });
  const initializationOptions = initializationOptionsOf(settings, trusted);
  const { early } = inputs;
  const clientOptions: LanguageClientOptions = {
    // Our own language ids (a `*.policy.yaml` name, a `# policylens: dialect=` first line, or a
    // document the server recognised and switched), and YAML and JSON files, among which the server
    // recognises policies by content and asks for them to be switched (`policyLens/adoptDocument`).
    documentSelector: [POLICY_YAML, POLICY_JSON, 'yaml', 'json', 'jsonc'].flatMap((language) => [
      { scheme: 'file', language },
      { scheme: 'untitled', language },
    ]),
    synchronize: {
      // Pushed configuration bypasses the middleware below, so an untrusted workspace gets none pushed:
      // a settings change there restarts the server instead (see needsRestart).
      configurationSection: trusted ? SECTION : undefined,
      // No fileEvents watcher: the server registers workspace/didChangeWatchedFiles itself (as it
      // does with every client that allows dynamic registration); a second watcher here would
      // deliver every change twice.
    },
    // Read as `initialize` is sent: the policies open at that moment go with it (earlyDocuments.ts).
    initializationOptions: early
      ? () => ({ ...initializationOptions, openDocuments: early.collect() })
      : initializationOptions,
    outputChannel: inputs.out,
    errorHandler: inputs.policy,
    middleware: {
      didOpen: (doc, next) => {
        early?.opened(doc.uri.toString());
        return next(inputs.adoption.asOpened(doc));
      },
      handleDiagnostics: (uri, diagnostics, next) => {
        inputs.beforeDiagnostics?.(uri);
        next(uri, diagnostics);
        inputs.onDiagnostics?.(uri, diagnostics);
      },
      workspace: {
        // In an untrusted workspace the server never learns the API URL nor the recorded events,
        // even through configuration.
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (trusted || !Array.isArray(result)) return result;
          return result.map((value) =>
            value && typeof value === 'object' && ('apiUrl' in value || 'replay' in value)
              ? { ...value, apiUrl: '', replay: { events: [] } }
              : value,
          );
        },
      },
    },
  };
  const client = new LanguageClient(
    'policyLens',
    'Policy Lens Language Server',
    serverOptions,
    clientOptions,
  );
  client.onRequest(AdoptDocumentRequest, async (params) => {
    inputs.onAdoption?.('asked');
    const result = await inputs.adoption.answer(params);
    inputs.onAdoption?.('switched');
    return result;
  });
  // A server still running after the client stopped it is ended (vscode-languageclient does that
  // only for the processes it forked itself).
  client.onDidChangeState((e) => {
    if (e.newState === State.Stopped) processes.reap(processes.current);
  });
  return client;
}
