// What `activate` returns: read-only handles the extension-host tests use to look at the real views,
// and the start-up timings the real-editor suite reports.
import type * as vscode from 'vscode';
import type { RestartPolicy } from './languageClient';
import type { PlanModel } from './planModel';
import type { Session } from './session';
import type { PolicyTestsApi } from './tests/policyTests';
import type { ChainTree } from './views/chainView';
import type { HistoryTree } from './views/historyView';
import type { SyncTree } from './views/syncView';

/** What `activate` returns: read-only handles the extension-host tests use to look at the real views. */
export interface PolicyLensApi {
  session: Session;
  plan: PlanModel;
  syncTree: SyncTree;
  historyTree: HistoryTree;
  chainTree: ChainTree;
  /** The Test Explorer's controller of policy tests. */
  policyTests: PolicyTestsApi;
  restartPolicy: RestartPolicy;
  /** The status bar item's text, as shown. */
  statusText(): string;
  /** Its tooltip, as shown on hover. */
  statusTooltip(): string;
  /** Whether the status bar item is shown (`policyLens.statusBar`). */
  statusVisible(): boolean;
  /** The History view's description: the name of the policy it shows. */
  historyDescription(): string | undefined;
  /** The process id of the running language server. */
  serverPid(): number | undefined;
  /** Whether a key is stored (never the key itself). */
  hasApiKey(): Promise<boolean>;
  /** Resolves once the current language server is ready. */
  ready(): Promise<void>;
  /** How long the first start took, from the beginning of `activate()` (the e2e suite reports it). */
  timings(): ActivationTimings;
  /**
   * For a document open as the editor started: the diagnostics the extension computed and showed
   * before the server's (earlyDiagnostics.ts), and the server's first publication with everything
   * shown for the document right after it.
   */
  firstPublications(uri: vscode.Uri): { early?: readonly vscode.Diagnostic[]; server?: FirstPublication };
}

export interface FirstPublication {
  diagnostics: readonly vscode.Diagnostic[];
  /** `vscode.languages.getDiagnostics(uri)` right before it was set: what the user saw until then. */
  visibleBefore: readonly vscode.Diagnostic[];
  /** `vscode.languages.getDiagnostics(uri)` right after it was set: every collection's. */
  visible: readonly vscode.Diagnostic[];
}

export interface ActivationTimings {
  /** Until the API key was read from the secret storage. */
  keyReadMs?: number;
  /** Until the server's process was forked, ahead of the language client. */
  serverForkMs?: number;
  /** Until the language client was asked to start the server. */
  clientStartMs?: number;
  /** Until the first language server answered `initialize`. */
  serverReadyMs?: number;
  /**
   * Until the extension itself first started switching an open policy to our language id (read by
   * the quick recogniser), and until that switch was done.
   */
  earlySwitchStartedMs?: number;
  earlySwitchMs?: number;
  /** Until the server first asked to switch a document to our language id, and until it was done. */
  adoptAskedMs?: number;
  adoptSwitchedMs?: number;
  /**
   * Until the first diagnostics of a document open in the editor were shown: the extension's own
   * computation of the server's first publication (earlyDiagnostics.ts), or the server's, whichever
   * came first.
   */
  firstDiagnosticsMs?: number;
  /** Until the extension showed the diagnostics it computed itself, and for how many documents. */
  earlyDiagnosticsMs?: number;
  earlyDiagnosticsDocuments?: number;
  /** Until the server's first publication of diagnostics for a document open in the editor arrived. */
  serverFirstDiagnosticsMs?: number;
  /** How many open policies the first `initialize` carried (earlyDocuments.ts). */
  earlyDocuments?: number;
}
