/**
 * The audit log: every policy write appends one event in the write's own transaction, and every
 * event is chained to its org's previous event by a SHA-256 hash. The database refuses UPDATE and
 * DELETE on the table (see migrations/001_init.ts); the chain makes a rewrite by someone who
 * switched those triggers off visible to `verifyChain`.
 */
import { canonicalJson, sha256Hex } from './canonical';
import type { Queryable } from './db';

export type EventType = 'policy.created' | 'policy.updated' | 'policy.deleted';
export type Diff = Record<string, { from: unknown; to: unknown }>;

export interface NewEvent {
  orgId: string;
  policyId: string;
  eventType: EventType;
  actorId: string;
  /**
   * The actor of the API key that made the write (migration 006), which no request can choose;
   * `actorId` may be `cli-sync` on sync's say-so. Absent from events written before it was kept.
   */
  keyActorId?: string;
  changedAt: string;
  version: number;
  diff: Diff | null;
  snapshot: unknown;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The hash of an event: its content and its predecessor's hash, as canonical JSON. */
export function eventHash(event: NewEvent, prevHash: string): string {
  return sha256Hex(canonicalJson({ ...event, prevHash }));
}

export async function appendEvent(tx: Queryable, event: NewEvent): Promise<string> {
  // The caller holds the org's row lock (store.ts), so no other write of this org runs meanwhile.
  const last = await tx.query<{ hash: string; seq: string | number }>(
    'SELECT hash, seq FROM audit_events WHERE org_id = $1 ORDER BY seq DESC LIMIT 1',
    [event.orgId],
  );
  const prevHash = last[0]?.hash ?? GENESIS_HASH;
  // Numbered within the org (migrations/003): one org's numbers say nothing of another's writes.
  const seq = Number(last[0]?.seq ?? 0) + 1;
  const hash = eventHash(event, prevHash);
  const diff = event.diff === null ? null : JSON.stringify(event.diff);
  const snapshot = JSON.stringify(event.snapshot);
  // What verify reads a page by (migrations/005).
  const size = Buffer.byteLength(snapshot) + (diff === null ? 0 : Buffer.byteLength(diff));
  await tx.query(
    `INSERT INTO audit_events (org_id, policy_id, event_type, actor_id, changed_at, version, diff, snapshot, prev_hash, hash, seq, size, key_actor_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12, $13)`,
    [
      event.orgId,
      event.policyId,
      event.eventType,
      event.actorId,
      event.changedAt,
      event.version,
      diff,
      snapshot,
      prevHash,
      hash,
      seq,
      size,
      event.keyActorId ?? null,
    ],
  );
  return hash;
}

export interface EventRow {
  seq: string | number | bigint;
  org_id: string;
  policy_id: string;
  event_type: EventType;
  actor_id: string;
  key_actor_id?: string | null;
  changed_at: Date | string;
  version: number;
  diff: Diff | null;
  snapshot: unknown;
  prev_hash: string;
  hash: string;
}

const iso = (d: Date | string): string => (d instanceof Date ? d : new Date(d)).toISOString();

export function contentOf(row: EventRow): NewEvent {
  return {
    orgId: row.org_id,
    policyId: row.policy_id,
    eventType: row.event_type,
    actorId: row.actor_id,
    // Only when there is one: an event written before migration 006 was hashed without the field.
    ...(row.key_actor_id != null ? { keyActorId: row.key_actor_id } : {}),
    changedAt: iso(row.changed_at),
    version: row.version,
    diff: row.diff,
    snapshot: row.snapshot,
  };
}

/** One history entry: the seed's four fields first, then what a client needs to cite the event. */
export interface HistoryEvent {
  eventType: EventType;
  actorId: string;
  changedAt: string;
  diff: Diff | null;
  seq: number;
  policyId: string;
  version: number;
  hash: string;
  /** The actor of the key that made the write (absent for events written before it was kept). */
  keyActorId?: string;
}

/** JSONB orders keys by length; the API prints each change as the seed does, `from` before `to`. */
function readableDiff(diff: Diff): Diff {
  const out: Diff = {};
  for (const [field, change] of Object.entries(diff)) out[field] = { from: change.from, to: change.to };
  return out;
}

/** The most characters of changes one page of a history carries (at least one event). */
export const MAX_HISTORY_PAGE_CHARS = 64 * 1024 * 1024;

/** The events a history page sizes in its first query, and the most it sizes in one. */
const HISTORY_SIZE_BATCH = 8;
const MAX_HISTORY_SIZE_BATCH = 512;

/**
 * A policy's events, oldest first, from the `offset`-th on; `total` counts them all (0 when the
 * org never had that policy). A page ends once its changes pass MAX_HISTORY_PAGE_CHARS: each edit
 * of a policy with a megabyte of metadata keeps both sides of the change, and 320 such versions
 * made the whole history one string past V8's longest (a permanent 500, 3–4 GB on the way). The
 * sizes are read first, so only the page's events are loaded, and never the snapshots; and only
 * from the page's first event on, in batches that stop once the page is full. Each page sized every
 * change of the whole history before (each of the 6 pages of 4,000 events of 100 KB cast all 4,000
 * diffs to text): reading a history page by page grew with its square. The count and the page's
 * first event come from the (org_id, policy_id, seq) index, without reading a diff.
 */
export async function historyOf(
  db: Queryable,
  orgId: string,
  policyId: string,
  offset = 0,
  pageChars = MAX_HISTORY_PAGE_CHARS,
): Promise<{ events: HistoryEvent[]; total: number }> {
  const counted = await db.query<{ n: string | number }>(
    'SELECT count(*)::int AS n FROM audit_events WHERE org_id = $1 AND policy_id = $2',
    [orgId, policyId],
  );
  const total = Number(counted[0]?.n ?? 0);
  if (offset >= total) return { events: [], total };
  const firstRow = await db.query<{ seq: string | number }>(
    'SELECT seq FROM audit_events WHERE org_id = $1 AND policy_id = $2 ORDER BY seq OFFSET $3 LIMIT 1',
    [orgId, policyId, offset],
  );
  if (!firstRow[0]) return { events: [], total };
  const first = Number(firstRow[0].seq);
  let last = first;
  let count = 0;
  let chars = 0;
  let from = first;
  // A page's first batch is small (a page of large changes holds a few events), and each next one
  // twice the last, up to a bound: the events sized past the page are fewer than those in it, or
  // than the bound, plus eight.
  let batch = HISTORY_SIZE_BATCH;
  sizing: for (;;) {
    const sizes = await db.query<{ seq: string | number; size: string | number | null }>(
      `SELECT seq, octet_length(diff::text) AS size FROM audit_events
       WHERE org_id = $1 AND policy_id = $2 AND seq >= $3 ORDER BY seq LIMIT $4`,
      [orgId, policyId, from, batch],
    );
    for (const row of sizes) {
      chars += Number(row.size ?? 0);
      if (count > 0 && chars > pageChars) break sizing;
      count++;
      last = Number(row.seq);
    }
    if (sizes.length < batch) break;
    from = last + 1;
    batch = Math.min(batch * 2, MAX_HISTORY_SIZE_BATCH);
  }
  const rows = await db.query<EventRow>(
    `SELECT seq, policy_id, event_type, actor_id, key_actor_id, changed_at, version, diff, hash FROM audit_events
     WHERE org_id = $1 AND policy_id = $2 AND seq >= $3 AND seq <= $4 ORDER BY seq`,
    [orgId, policyId, first, last],
  );
  const events = rows.map((r) => ({
    eventType: r.event_type,
    actorId: r.actor_id,
    changedAt: iso(r.changed_at),
    diff: r.diff === null ? null : readableDiff(r.diff),
    seq: Number(r.seq),
    policyId: r.policy_id,
    version: r.version,
    hash: r.hash,
    ...(r.key_actor_id != null ? { keyActorId: r.key_actor_id } : {}),
  }));
  return { events, total };
}
