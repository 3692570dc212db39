/**
 * The audit log: every policy write appends one event in the write's own transaction, and every
 * event is chained to its org's previous event by a SHA-256 hash. The database refuses UPDATE and
 * DELETE on the table (see migrations/001_init.ts); the chain makes a rewrite by someone who
 * switched those triggers off visible to `verifyChain`.
 */
import { canonicalJson, sha256Hex } from './canonical';
import type { Queryable } from './db';
import { fromRow, type PolicyRow } from './policies/model';

export type EventType = 'policy.created' | 'policy.updated' | 'policy.deleted';
export type Diff = Record<string, { from: unknown; to: unknown }>;

export interface NewEvent {
  orgId: string;
  policyId: string;
  eventType: EventType;
  actorId: string;
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
    `INSERT INTO audit_events (org_id, policy_id, event_type, actor_id, changed_at, version, diff, snapshot, prev_hash, hash, seq, size)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12)`,
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
    ],
  );
  return hash;
}

interface EventRow {
  seq: string | number | bigint;
  org_id: string;
  policy_id: string;
  event_type: EventType;
  actor_id: string;
  changed_at: Date | string;
  version: number;
  diff: Diff | null;
  snapshot: unknown;
  prev_hash: string;
  hash: string;
}

const iso = (d: Date | string): string => (d instanceof Date ? d : new Date(d)).toISOString();

function contentOf(row: EventRow): NewEvent {
  return {
    orgId: row.org_id,
    policyId: row.policy_id,
    eventType: row.event_type,
    actorId: row.actor_id,
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
    `SELECT seq, policy_id, event_type, actor_id, changed_at, version, diff, hash FROM audit_events
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
  }));
  return { events, total };
}

export interface BrokenLink {
  seq: number;
  policyId: string;
  eventType: string;
  reason: 'hash mismatch' | 'broken link';
  expected: string;
  actual: string;
}

/** A live policy that is not what its org's audit log says it is. */
export interface LiveMismatch {
  policyId: string;
  name?: string;
  reason: 'changed since its last audited event' | 'not in the audit log' | 'deleted without an audit event';
}

/** At most this many mismatches are listed (all are counted). */
const MAX_MISMATCHES = 20;

export interface Verification {
  ok: boolean;
  checked: number;
  head: { seq: number; hash: string } | null;
  firstBroken: BrokenLink | null;
  /**
   * The live policies compared with their last audited snapshot: a row written without going
   * through the API (a direct UPDATE of `policies`) no longer matches it.
   */
  live: { checked: number; mismatched: number; mismatches: LiveMismatch[] };
  /**
   * With `expectHead`: whether an event with that hash is in the intact part of the chain (a head
   * kept earlier stays in the chain as it grows; truncation or a recomputed chain loses it).
   */
  expectedHead?: { hash: string; found: boolean; seq: number | null };
}

/** A snapshot's digest, and its length as canonical JSON (what verify pages the live rows by). */
interface Audited {
  digest: string;
  chars: number;
}

function audit(value: unknown): Audited {
  const text = canonicalJson(value);
  return { digest: sha256Hex(text), chars: text.length };
}

/** The longest verify runs between two turns it gives the server's other requests. */
const VERIFY_SLICE_MS = 20;

/** The most events verify reads in one query. */
const VERIFY_PAGE_EVENTS = 500;

/**
 * The most bytes of events (their diffs and snapshots as JSON) verify reads in one query, but at
 * least one event. PGlite answers a query in one piece on the server's thread, at roughly 5 ms a
 * megabyte on the build machine: a page of 4 MB keeps each answer near one slice, where a page of
 * 500 events of megabytes was one query of a gigabyte.
 */
export const VERIFY_PAGE_BYTES = 4 * 1024 * 1024;

/**
 * A turn of the event loop for the other requests. PGlite answers queries through promises only,
 * so a loop of queries never let the server read a request: verifying 50,000 events kept /health
 * waiting 5.1 s, and one policy's 520 large events 98 s.
 */
const giveWay = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Walks the org's chain in order and reports the first event whose stored hash is not the hash of
 * its content (the event was edited) or whose `prev_hash` is not its predecessor's hash (an event
 * was removed or inserted). Reads in pages so a long history does not sit in memory at once, and
 * gives the server's other requests a turn between pages and slices.
 */
export async function verifyChain(
  db: Queryable,
  orgId: string,
  options: { expectHead?: string } = {},
): Promise<Verification> {
  let prev = GENESIS_HASH;
  let checked = 0;
  let after = -1;
  let head: Verification['head'] = null;
  let firstBroken: BrokenLink | null = null;
  let expectedSeq: number | null = null;
  /** Each policy's last event: its snapshot's digest and size, or null after a delete. */
  const audited = new Map<string, Audited | null>();
  let sliceStart = performance.now();
  /** Reads and checks the events after the last one read, page by page. */
  const readNewEvents = async (): Promise<void> => {
    for (;;) {
      // Between pages, and within one past VERIFY_SLICE_MS (hashing large events takes a while).
      await giveWay();
      sliceStart = performance.now();
      const rows = await nextPage(db, orgId, after);
      if (rows.length === 0) return;
      for (const row of rows) {
        if (performance.now() - sliceStart > VERIFY_SLICE_MS) {
          await giveWay();
          sliceStart = performance.now();
        }
        const seq = Number(row.seq);
        after = seq;
        head = { seq, hash: row.hash };
        audited.set(row.policy_id, row.event_type === 'policy.deleted' ? null : audit(row.snapshot));
        if (firstBroken) continue;
        const base = { seq, policyId: row.policy_id, eventType: row.event_type };
        if (row.prev_hash !== prev) {
          firstBroken = { ...base, reason: 'broken link', expected: prev, actual: row.prev_hash };
          continue;
        }
        const recomputed = eventHash(contentOf(row), row.prev_hash);
        if (recomputed !== row.hash) {
          firstBroken = { ...base, reason: 'hash mismatch', expected: recomputed, actual: row.hash };
          continue;
        }
        checked++;
        prev = row.hash;
        if (row.hash === options.expectHead) expectedSeq = seq;
      }
    }
  };
  // Other requests run between the slices, so a write may land while the chain or the live rows
  // are read. A policy row and its event commit together: live rows that saw a write leave that
  // write's event after the last one read, and the new events and the live rows are read again.
  await readNewEvents();
  let live = await compareLive(db, orgId, audited);
  for (
    let round = 1;
    round < MAX_VERIFY_ROUNDS && live.mismatched > 0 && (await eventsAfter(db, orgId, after));
    round++
  ) {
    await readNewEvents();
    live = await compareLive(db, orgId, audited);
  }
  return {
    ok: firstBroken === null && live.mismatched === 0,
    checked,
    head,
    firstBroken,
    live,
    ...(options.expectHead !== undefined
      ? { expectedHead: { hash: options.expectHead, found: expectedSeq !== null, seq: expectedSeq } }
      : {}),
  };
}

/**
 * The org's events after `after`, as many as fit VERIFY_PAGE_EVENTS and VERIFY_PAGE_BYTES (at least
 * one): their stored sizes first (no diff or snapshot is read for them), then the events. An event
 * without a size (none after migration 005) counts as a whole page.
 */
async function nextPage(db: Queryable, orgId: string, after: number): Promise<EventRow[]> {
  const sizes = await db.query<{ seq: string | number; size: string | number | null }>(
    'SELECT seq, size FROM audit_events WHERE org_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
    [orgId, after, VERIFY_PAGE_EVENTS],
  );
  if (sizes.length === 0) return [];
  let last = Number(sizes[0].seq);
  let bytes = 0;
  for (const [i, row] of sizes.entries()) {
    bytes += row.size === null ? VERIFY_PAGE_BYTES : Number(row.size);
    if (i > 0 && bytes > VERIFY_PAGE_BYTES) break;
    last = Number(row.seq);
  }
  return db.query<EventRow>(
    'SELECT * FROM audit_events WHERE org_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq',
    [orgId, after, last],
  );
}

/** Rounds of verify's reading while writes keep landing (each round reads only what is new). */
const MAX_VERIFY_ROUNDS = 10;

async function eventsAfter(db: Queryable, orgId: string, seq: number): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM audit_events WHERE org_id = $1 AND seq > $2 LIMIT 1', [
    orgId,
    seq,
  ]);
  return rows.length > 0;
}

/**
 * Every live policy of the org against its last audited snapshot, in pages, giving the server's
 * other requests a turn between pages and every VERIFY_SLICE_MS within one (it gave none: the
 * digests of an org's policies ran in one go after the chain's last turn). A page is at most
 * VERIFY_PAGE_EVENTS policies and, by the sizes of their audited snapshots, VERIFY_PAGE_BYTES (a
 * policy that is not what its snapshot says may weigh more; one the log does not know counts as a
 * whole page): it was 500 policies of up to 1 MiB each in one query.
 */
async function compareLive(
  db: Queryable,
  orgId: string,
  audited: Map<string, Audited | null>,
): Promise<Verification['live']> {
  const out: Verification['live'] = { checked: 0, mismatched: 0, mismatches: [] };
  const mismatch = (m: LiveMismatch) => {
    out.mismatched++;
    if (out.mismatches.length < MAX_MISMATCHES) out.mismatches.push(m);
  };
  const seen = new Set<string>();
  let after = '00000000-0000-0000-0000-000000000000';
  let sliceStart = performance.now();
  for (;;) {
    await giveWay();
    sliceStart = performance.now();
    const ids = await db.query<{ id: string }>(
      'SELECT id FROM policies WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3',
      [orgId, after, VERIFY_PAGE_EVENTS],
    );
    if (ids.length === 0) break;
    let last = ids[0].id;
    let bytes = 0;
    for (const [i, { id }] of ids.entries()) {
      bytes += audited.get(id)?.chars ?? VERIFY_PAGE_BYTES;
      if (i > 0 && bytes > VERIFY_PAGE_BYTES) break;
      last = id;
    }
    const rows = await db.query<PolicyRow>(
      'SELECT * FROM policies WHERE org_id = $1 AND id > $2 AND id <= $3 ORDER BY id',
      [orgId, after, last],
    );
    for (const row of rows) {
      if (performance.now() - sliceStart > VERIFY_SLICE_MS) {
        await giveWay();
        sliceStart = performance.now();
      }
      seen.add(row.id);
      out.checked++;
      const known = audited.get(row.id);
      if (known === undefined || known === null)
        mismatch({ policyId: row.id, name: row.name, reason: 'not in the audit log' });
      else if (known.digest !== audit(fromRow(row)).digest)
        mismatch({ policyId: row.id, name: row.name, reason: 'changed since its last audited event' });
    }
    // A policy deleted between the two reads leaves the range shorter, not the walk stuck.
    after = last;
  }
  for (const [id, last] of audited)
    if (last !== null && !seen.has(id)) mismatch({ policyId: id, reason: 'deleted without an audit event' });
  return out;
}
