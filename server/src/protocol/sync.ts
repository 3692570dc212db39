// The workspace sync plan, its application, and the documents a diff editor shows.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { PlanImpact } from './impact';
import type { LiveOnlyPolicy } from './liveOnly';
import type { PlanRename } from './rename';

/**
 * Where the live org stands for this workspace:
 * `ok` (a snapshot was read), `not-configured` (no API URL or no key), `untrusted` (workspace trust
 * withheld, so no request was sent), `offline` (unreachable, or the key was refused; see `message`).
 */
export type LiveState = 'ok' | 'not-configured' | 'untrusted' | 'offline';

export type PlanAction = 'create' | 'update' | 'no-op' | 'delete';

/** One changed field of an update, `path` in dotted form (`ruleDefinition.blockedPatterns[2]`). */
export interface PlanFieldChange {
  path: string;
  /** The live value (absent when the field is new). */
  from?: unknown;
  /** The bundle's value (absent when the field is removed). */
  to?: unknown;
}

export interface PlanEntry {
  action: PlanAction;
  /** The policy name, the key that matches a bundle to a live policy. */
  name: string;
  /** The bundle's document URI (absent for a `delete` of a live policy no bundle declares). */
  uri?: string;
  /** The live policy's id (absent for `create`). */
  liveId?: string;
  /** Field-level diff; empty except for `update`. */
  changes: PlanFieldChange[];
  /** The bundle's path relative to its workspace folder, as the CLI prints it. */
  file?: string;
  /** The live version the plan saw (an update or delete carries it as `If-Match`). */
  liveVersion?: number;
  /** Why this entry cannot be applied as planned (an unknown prerequisite, a cycle, a duplicate name). */
  problems?: string[];
  /** On a `create` that looks like the rename of a live policy: which one, in the CLI's words. */
  rename?: PlanRename;
  /** What the change does to the recorded events (`policyLens.replay.events`), when they are set. */
  impact?: PlanImpact;
}

export interface WorkspacePlan {
  state: LiveState;
  /** A one-line explanation for `offline` / `not-configured` / `untrusted`, safe to show (no key). */
  message?: string;
  /** A label of the live org, e.g. its host. */
  org?: string;
  /** Fingerprint of everything the plan was computed from; `apply` must send it back unchanged. */
  fingerprint?: string;
  /** When the live snapshot was read (ISO 8601). */
  fetchedAt?: string;
  entries: PlanEntry[];
  /** Problems of the plan as a whole (a name declared by two bundles); apply refuses while any exist. */
  problems?: string[];
  /**
   * The live policies no bundle in the workspace declares, in the order of their names: not a change
   * (the plan leaves them alone), but the plan never calls such an org plainly "in sync". The list
   * `policylens sync` prints after its steps. Absent when there are none.
   */
  liveOnly?: LiveOnlyPolicy[];
  /** Bundles left out of the plan because they have errors (never pruned while they do). */
  invalid?: { uri: string; name?: string; message: string }[];
  /** The plan as `policylens sync` prints it (the seed's format). */
  text?: string;
  /** The recorded events the entries' `impact` replays (workspace-relative), when they are set. */
  events?: string[];
}

export interface WorkspacePlanParams {
  /** Re-read the live org before planning instead of using the cached snapshot. */
  refresh?: boolean;
}

/** `policyLens/workspacePlan`: the plan of every policy file in the workspace against the live org. */
export const WorkspacePlanRequest = new RequestType<WorkspacePlanParams, WorkspacePlan, void>(
  'policyLens/workspacePlan',
);

export interface ApplyPlanParams {
  /** The fingerprint of the plan the user reviewed. */
  fingerprint: string;
}

export interface ApplyEntryResult {
  name: string;
  action: PlanAction;
  ok: boolean;
  /** Why it failed (e.g. changed since the plan, refused by the server); safe to show. */
  message?: string;
  liveId?: string;
}

export interface ApplyPlanResult {
  /**
   * False when nothing was applied because the plan changed since it was shown (the fingerprint no
   * longer matches); the client should refresh and ask again.
   */
  applied: boolean;
  message?: string;
  results: ApplyEntryResult[];
}

/** `policyLens/applyPlan`: applies exactly the plan whose fingerprint is given. */
export const ApplyPlanRequest = new RequestType<ApplyPlanParams, ApplyPlanResult, void>(
  'policyLens/applyPlan',
);

export interface DiffDocumentsParams {
  name: string;
  uri?: string;
}

/** Both sides of a plan entry as normalised text (JSON), ready for a diff editor. */
export interface DiffDocuments {
  /** The live policy, or absent when it does not exist yet (a create). */
  live?: string;
  /** The bundle as the plan sees it, or absent for a delete. */
  desired?: string;
}

/** `policyLens/diffDocuments`: the live and desired text of one policy. */
export const DiffDocumentsRequest = new RequestType<DiffDocumentsParams, DiffDocuments, void>(
  'policyLens/diffDocuments',
);

export interface PlanChangedParams {
  /** Where the live org stands after the read that changed the plan. */
  state: LiveState;
}

/**
 * `policyLens/planChanged` (server → client): the cached plan changed; views should ask again. It has
 * one parameter object: vscode-languageclient checks a handler's declared parameter count against
 * the message, so the type and what the server sends must agree.
 */
export const PlanChangedNotification = new NotificationType<PlanChangedParams>('policyLens/planChanged');

export interface SetApiKeyParams {
  /** The key from SecretStorage, or null to forget it (sign out). */
  apiKey: string | null;
}

/**
 * `policyLens/setApiKey` (client → server): the API key changed in SecretStorage. The server also reads
 * {@link API_KEY_ENV} at start; this lets a client hand over a new key without a restart. Clients should
 * keep `policyLens.trace.server` below `verbose` while sending it, as traces print notification params.
 */
export const SetApiKeyNotification = new NotificationType<SetApiKeyParams>('policyLens/setApiKey');

/**
 * Command ids that sync CodeLenses carry. They are client commands (the VS Code extension registers
 * them): `openDiff` takes one {@link PlanEntry} and shows DiffDocuments in a diff editor; `refresh` asks
 * for the workspace plan with `refresh: true`.
 */
export const SYNC_COMMANDS = {
  openDiff: 'policyLens.sync.openDiff',
  refresh: 'policyLens.sync.refresh',
  setApiKey: 'policyLens.setApiKey',
  /** Shows the extension's output, where the server's log is (the impact lens of a bad events file). */
  showOutput: 'policyLens.showOutput',
} as const;

/** `policyLens.sync.refreshLive` (workspace/executeCommand, server side): re-read the live org now. */
export const REFRESH_LIVE_COMMAND = 'policyLens.sync.refreshLive';

/**
 * `policyLens.lens.displayOnly` (workspace/executeCommand, server side): the command of a CodeLens that
 * only informs (the evaluation order, `sync off`, `✗ fix 2 errors to sync`). LSP requires a lens to
 * carry a command to be shown, and an empty command id is an error in clients that execute what they
 * are given (Neovim); this one is announced by the server and does nothing.
 */
export const DISPLAY_ONLY_COMMAND = 'policyLens.lens.displayOnly';
