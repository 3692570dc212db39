/**
 * Interfaces the engine needs from the outside world. Core never opens a socket or a file itself: a
 * front end hands in an implementation (server/src/live for a real org, a fake in unit tests).
 */
import type { LiveOrgPolicy } from './plan/types';

/** Why a live-org call failed, so callers can react without parsing messages. */
export type LiveErrorKind =
  /** No API URL or no key. */
  | 'not-configured'
  /** The key would travel in clear text to a non-loopback host. */
  | 'insecure'
  /** 401/403: the key was refused. */
  | 'unauthorized'
  /** DNS failure, connection refused or reset. */
  | 'unreachable'
  | 'tls'
  | 'timeout'
  /** 412: the policy changed since the version the caller saw. */
  | 'precondition'
  /** 409: a name already taken, or an idempotency key reused with another body. */
  | 'conflict'
  | 'not-found'
  /** 400: the server refused the body. */
  | 'validation'
  /** 429 or 5xx after the retries ran out, or a response that is not the API's shape. */
  | 'server';

export class LiveOrgError extends Error {
  constructor(
    readonly kind: LiveErrorKind,
    /** One line, safe to show: never contains the API key. */
    message: string,
    readonly status?: number,
    /** The policy's current version, when a 412 said so. */
    readonly currentVersion?: number,
  ) {
    super(message);
    this.name = 'LiveOrgError';
  }
}

/** True for failures that make every further request pointless (the org cannot be talked to). */
export function isConnectionFailure(err: unknown): boolean {
  return (
    err instanceof LiveOrgError &&
    ['not-configured', 'insecure', 'unauthorized', 'unreachable', 'tls', 'timeout', 'server'].includes(
      err.kind,
    )
  );
}

/**
 * Who made a history event, as the CLI and the editor show it: the event's actor, and the key's
 * actor beside it when they differ (`cli-sync (key alice)`), so that a write that only claims to
 * come from sync is told apart from the pipeline's own.
 */
export function historyActor(e: { actorId: string; keyActorId?: unknown }): string {
  const key = typeof e.keyActorId === 'string' ? e.keyActorId : undefined;
  return key !== undefined && key !== e.actorId ? `${e.actorId} (key ${key})` : e.actorId;
}

/** One event of a policy's history (execlave-policy-as-code.txt §05). */
export interface LiveHistoryEvent {
  eventType: string;
  actorId: string;
  /**
   * The actor of the API key that made the write (`policylens serve` keeps it beside `actorId`,
   * which is `cli-sync` whenever a request says it comes from sync, whoever sent it).
   */
  keyActorId?: string;
  changedAt: string;
  diff: Record<string, { from?: unknown; to?: unknown }> | null;
  version?: number;
  seq?: number;
  policyId?: string;
  hash?: string;
  [field: string]: unknown;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  head?: { seq: number; hash: string } | null;
  firstBroken?: {
    seq: number;
    policyId?: string;
    eventType?: string;
    reason: string;
    expected?: string;
    actual?: string;
  } | null;
  /** Live policies compared with their last audited snapshot (policylens serve). */
  live?: {
    checked: number;
    mismatched: number;
    mismatches: { policyId: string; name?: string; reason: string }[];
  };
  /** Whether the head a client kept (`expectHead`) is in the intact chain. */
  expectedHead?: { hash: string; found: boolean; seq: number | null };
}

/** The live org: an Execlave-compatible policies API. Every method throws LiveOrgError on failure. */
export interface LiveOrg {
  /** A short label of the org for messages and CodeLens (`acme on 127.0.0.1:7420`). */
  readonly label: string;
  /** Every policy of the org, all pages. */
  listPolicies(): Promise<LiveOrgPolicy[]>;
  getPolicy(id: string): Promise<LiveOrgPolicy | undefined>;
  /** `replayed` is true when the server answered from its idempotency store instead of creating. */
  createPolicy(
    body: Record<string, unknown>,
    options: { idempotencyKey: string },
  ): Promise<{ policy: LiveOrgPolicy; replayed: boolean }>;
  /** Replaces the policy; `ifMatch` is the version the caller saw (412 → `precondition`). */
  updatePolicy(
    id: string,
    body: Record<string, unknown>,
    options: { ifMatch?: number },
  ): Promise<LiveOrgPolicy>;
  deletePolicy(id: string, options: { ifMatch?: number }): Promise<void>;
  /** Oldest first. */
  history(id: string): Promise<LiveHistoryEvent[]>;
  /** `expectHead`: a head hash kept earlier, which must still be in the chain. */
  verifyAudit(options?: { expectHead?: string }): Promise<AuditVerification>;
}
