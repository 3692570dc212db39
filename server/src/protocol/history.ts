// The version history of one live policy and the audit-chain check.
import { RequestType } from 'vscode-languageserver-protocol';
import type { LiveState } from './sync';

export interface HistoryEvent {
  /** 1 for the creation, then one more per write event. */
  version: number;
  /** As the API reports it, e.g. `policy.created`, `policy.updated`. */
  eventType: string;
  actorId: string;
  /** Who to show as its author: the actor, and the key's actor beside it when they differ. */
  actor: string;
  /** ISO 8601. */
  changedAt: string;
  /** Field-level diff of this event (`null` for a creation), as the history API returns it. */
  diff: Record<string, { from?: unknown; to?: unknown }> | null;
  /** The whole policy after this event, when known, so a client can diff two versions. */
  snapshot?: Record<string, unknown>;
}

export interface PolicyHistoryParams {
  /** The policy's name, or the URI of its bundle, or its live id; the first one given wins. */
  name?: string;
  uri?: string;
  id?: string;
}

export interface PolicyHistory {
  state: LiveState | 'not-found';
  message?: string;
  /**
   * What the answer is about, fit to show as a title: the policy's name, else its bundle's path
   * relative to the workspace folder (never a raw URI).
   */
  label?: string;
  policy?: { id: string; name: string };
  /** Oldest first. */
  events: HistoryEvent[];
}

/** `policyLens/history`: the events of one policy, oldest first. */
export const PolicyHistoryRequest = new RequestType<PolicyHistoryParams, PolicyHistory, void>(
  'policyLens/history',
);

export interface VerifyAuditChainResult {
  ok: boolean;
  /** How many events were checked. */
  checked: number;
  /** A one-line verdict safe to show. */
  message: string;
}

/** `policyLens/verifyAuditChain`: checks the hash chain of a policy's audit events. */
export const VerifyAuditChainRequest = new RequestType<PolicyHistoryParams, VerifyAuditChainResult, void>(
  'policyLens/verifyAuditChain',
);
