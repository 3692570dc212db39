/**
 * Verifying an org's audit log: the hash chain event by event, then every live policy against its
 * last audited snapshot. Split from audit.ts, which writes and reads the log, when verify grew its
 * paging and its turns for other requests.
 */
import { canonicalJson, sha256Hex } from './canonical';
import type { Queryable } from './db';
import { contentOf, eventHash, GENESIS_HASH, type EventRow } from './audit';
import { fromRow, type PolicyRow } from './policies/model';

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
  reason:
    | 'changed since its last audited event'
    | 'not in the audit log'
    | 'deleted without an audit event'
    | 'deleted in the audit log, yet live';
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

/**
 * A snapshot's digest, and its length as canonical JSON (what verify pages the live rows by); its
 * name, which a mismatch of a policy no longer live can only be named by.
 */
interface Audited {
  digest: string;
  chars: number;
  name?: string;
}

function audit(value: unknown): Audited {
  const text = canonicalJson(value);
  const name = (value as { name?: unknown } | null)?.name;
  return { digest: sha256Hex(text), chars: text.length, ...(typeof name === 'string' ? { name } : {}) };
}

/** The last event of a policy was its delete: the name it had. */
interface Deleted {
  deleted: true;
  name?: string;
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
  /** Each policy's last event: its snapshot's digest and size, or its name after a delete. */
  const audited = new Map<string, Audited | Deleted>();
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
        const snapshot = audit(row.snapshot);
        audited.set(
          row.policy_id,
          row.event_type === 'policy.deleted'
            ? { deleted: true, ...(snapshot.name !== undefined ? { name: snapshot.name } : {}) }
            : snapshot,
        );
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
  audited: Map<string, Audited | Deleted>,
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
      const known = audited.get(id);
      bytes += known && 'chars' in known ? known.chars : VERIFY_PAGE_BYTES;
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
      if (known === undefined) mismatch({ policyId: row.id, name: row.name, reason: 'not in the audit log' });
      else if ('deleted' in known)
        mismatch({ policyId: row.id, name: row.name, reason: 'deleted in the audit log, yet live' });
      else if (known.digest !== audit(fromRow(row)).digest)
        mismatch({ policyId: row.id, name: row.name, reason: 'changed since its last audited event' });
    }
    // A policy deleted between the two reads leaves the range shorter, not the walk stuck.
    after = last;
  }
  for (const [id, last] of audited)
    if (!('deleted' in last) && !seen.has(id))
      mismatch({
        policyId: id,
        ...(last.name !== undefined ? { name: last.name } : {}),
        reason: 'deleted without an audit event',
      });
  return out;
}
