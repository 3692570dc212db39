/**
 * Policy writes. Each one is a single transaction that locks the org's row (so an org's writes, and
 * with them its audit chain, are strictly ordered even with several server processes on one
 * PostgreSQL database), checks the name, the prerequisites and the cycle rule against the
 * committed state, writes the row and appends the audit event. Nothing is decided outside it.
 */
import { randomUUID } from 'node:crypto';
import { findCycleThrough, formatCycle, idKey } from '../../server/src/core/index';
import { appendEvent, type Diff, type EventType } from '../audit';
import type { Principal } from '../auth';
import { canonicalJson, sha256Hex } from '../canonical';
import type { Db, Queryable } from '../db';
import { ApiError, MAX_BODY_BYTES, notFound } from '../http';
import { diffFields, fieldsOf, fromRow, type Policy, type PolicyFields, type PolicyRow } from './model';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID.test(s);

/** Idempotency keys are honoured for a day, like most payment APIs do. */
const IDEMPOTENCY_TTL = "interval '24 hours'";

export interface WriteResult {
  status: number;
  policy: Policy;
  /** True when an `Idempotency-Key` retry returned the stored first response. */
  replayed?: boolean;
}

/** `cli-sync` when the request says it comes from sync (the seed's provenance stamp). */
function actorFor(principal: Principal, requestMetadata: unknown): string {
  const source = (requestMetadata as Record<string, unknown> | null | undefined)?.source;
  return source === 'cli-sync' ? 'cli-sync' : principal.actorId;
}

async function lockOrg(tx: Queryable, orgId: string): Promise<void> {
  await tx.query('SELECT id FROM orgs WHERE id = $1 FOR UPDATE', [orgId]);
}

async function loadForUpdate(tx: Queryable, orgId: string, id: string): Promise<Policy> {
  if (!isUuid(id)) throw notFound();
  const rows = await tx.query<PolicyRow>('SELECT * FROM policies WHERE org_id = $1 AND id = $2 FOR UPDATE', [
    orgId,
    id,
  ]);
  if (!rows[0]) throw notFound();
  return fromRow(rows[0]);
}

/** 412 unless `expected` (from If-Match or the body's `version`) is the current version. */
function checkVersion(current: Policy, expected: number[] | undefined): void {
  if (expected === undefined || expected.includes(current.version)) return;
  // An If-Match without any version in it (`If-Match: abc`) matches nothing (RFC 9110), and its
  // message said "expected version , current version is 3".
  const why = expected.length
    ? `Policy was modified: expected version ${expected.join(' or ')}, current version is ${current.version}`
    : `If-Match names no version (send the ETag, e.g. "${current.version}"); current version is ${current.version}`;
  throw new ApiError('PRECONDITION_FAILED', why, { version: `current version is ${current.version}` });
}

/**
 * Name uniqueness, prerequisite ids and the cycle rule, against what is committed in the org. Each
 * is asked only of what the write changes: the name when it is new, the prerequisites that were
 * not there before, and the cycle rule when an edge was added from an existing policy (nothing
 * stored can name a policy being created: its id is new). A write that changes neither (an
 * enforcement mode, a rule) reads no other policy: reading the whole org for every write made a
 * sync of 2,000 updates cost 18.5 ms each against 10.6 ms for 500, growing with the org.
 */
async function checkGraph(
  tx: Queryable,
  orgId: string,
  id: string,
  next: PolicyFields,
  before?: PolicyFields,
) {
  if (next.name !== before?.name) {
    // The (org_id, name) unique index answers this.
    const clash = await tx.query<{ id: string }>(
      'SELECT id FROM policies WHERE org_id = $1 AND name = $2 AND id <> $3 LIMIT 1',
      [orgId, next.name, id],
    );
    if (clash[0]) {
      throw new ApiError('CONFLICT', `A policy named "${next.name}" already exists in this org`, {
        name: `already used by policy ${clash[0].id}`,
      });
    }
  }
  // Ids already stored may point at a policy deleted since: that is the seed's "missing
  // prerequisite" at runtime, and keeping them lets unrelated edits through. New ids must exist.
  // Ids are compared in lower case (`idKey`): UUIDs are case-insensitive, and PostgreSQL returns
  // `2b3b…` for the `2B3B…` it was asked, so an id written in upper case was refused as unknown.
  // They are stored as written.
  const self = idKey(id);
  const kept = new Set((before?.prerequisites ?? []).map(idKey));
  const added = next.prerequisites.filter((p) => !kept.has(idKey(p)));
  if (!added.length) return;
  const asked = [...new Set(added.map(idKey).filter((p) => p !== self && isUuid(p)))];
  const known = new Set(
    asked.length
      ? (
          await tx.query<{ id: string }>(
            'SELECT id FROM policies WHERE org_id = $1 AND id = ANY($2::uuid[])',
            [orgId, asked],
          )
        ).map((r) => idKey(r.id))
      : [],
  );
  const unknown = added.filter((p) => !known.has(idKey(p)) && idKey(p) !== self);
  if (unknown.length > 0) {
    throw new ApiError('VALIDATION_ERROR', 'Prerequisites must be ids of policies in this org', {
      prerequisites: `unknown policy id${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
    });
  }
  if (!before) return;
  const rows = await tx.query<{ id: string; name: string; prerequisites: string[] }>(
    'SELECT id, name, prerequisites FROM policies WHERE org_id = $1',
    [orgId],
  );
  const graph = new Map<string, readonly string[]>(
    rows.map((r) => [idKey(r.id), r.prerequisites.map(idKey)]),
  );
  graph.set(self, next.prerequisites.map(idKey));
  const cycle = findCycleThrough(graph, self);
  if (cycle) {
    const names = new Map(rows.map((r) => [idKey(r.id), r.name]));
    names.set(self, next.name);
    throw new ApiError('VALIDATION_ERROR', 'Policy prerequisites would introduce a cycle', {
      prerequisites: formatCycle(cycle.map((n) => names.get(n) ?? n)),
    });
  }
}

const COLUMNS = `name = $3, policy_type = $4, enforcement_mode = $5, rule_definition = $6::jsonb, metadata = $7::jsonb,
  applies_to_agents = $8::jsonb, is_active = $9, prerequisites = $10::jsonb, evaluation_order = $11, chain_trigger = $12`;

/**
 * The most a policy may weigh once stored (its JSON columns and name), the bound of a request body.
 * A body's own size does not bound it: a 1 MiB body of `1e20`s is stored as 4.4 MiB (each written
 * out in full), and 120 such policies made every page of the list, and so every sync of the org,
 * fail with 500 "Invalid string length".
 */
export const MAX_STORED_POLICY_BYTES = MAX_BODY_BYTES;

function columnValues(f: PolicyFields): unknown[] {
  const values = [
    f.name,
    f.policyType,
    f.enforcementMode,
    JSON.stringify(f.ruleDefinition),
    JSON.stringify(f.metadata),
    JSON.stringify(f.appliesToAgents),
    f.isActive,
    JSON.stringify(f.prerequisites),
    f.evaluationOrder,
    f.chainTrigger,
  ];
  let bytes = 0;
  for (const v of values) if (typeof v === 'string') bytes += Buffer.byteLength(v);
  if (bytes > MAX_STORED_POLICY_BYTES)
    throw new ApiError(
      'PAYLOAD_TOO_LARGE',
      `The policy is ${bytes} bytes once stored; at most ${MAX_STORED_POLICY_BYTES} are kept`,
    );
  return values;
}

/** Now, or just after `previous`: a policy's times only move forward, even if the clock steps back. */
function laterThan(previous: string): string {
  return new Date(Math.max(Date.now(), Date.parse(previous) + 1)).toISOString();
}

async function record(
  tx: Queryable,
  principal: Principal,
  actorId: string,
  type: EventType,
  policy: Policy,
  diff: Diff | null,
) {
  await appendEvent(tx, {
    orgId: principal.orgId,
    policyId: policy.id,
    eventType: type,
    actorId,
    keyActorId: principal.actorId,
    changedAt: type === 'policy.deleted' ? laterThan(policy.updatedAt) : policy.updatedAt,
    version: policy.version,
    diff,
    snapshot: policy,
  });
}

export async function createPolicy(
  db: Db,
  principal: Principal,
  fields: PolicyFields,
  requestBody: unknown,
  idempotencyKey?: string,
): Promise<WriteResult> {
  const requestHash = sha256Hex(canonicalJson(requestBody));
  return db.transaction(async (tx) => {
    await lockOrg(tx, principal.orgId);
    if (idempotencyKey !== undefined) {
      await tx.query(
        `DELETE FROM idempotency_keys WHERE org_id = $1 AND created_at < now() - ${IDEMPOTENCY_TTL}`,
        [principal.orgId],
      );
      const seen = await tx.query<{ request_hash: string; status: number; body: Policy }>(
        'SELECT request_hash, status, body FROM idempotency_keys WHERE org_id = $1 AND key = $2',
        [principal.orgId, idempotencyKey],
      );
      if (seen[0]) {
        if (seen[0].request_hash !== requestHash) {
          throw new ApiError(
            'IDEMPOTENCY_CONFLICT',
            'This Idempotency-Key was already used with a different body',
            {
              'Idempotency-Key': 'reused with a different body',
            },
          );
        }
        return { status: seen[0].status, policy: seen[0].body, replayed: true };
      }
    }
    const id = randomUUID();
    await checkGraph(tx, principal.orgId, id, fields);
    const now = new Date().toISOString();
    const rows = await tx.query<PolicyRow>(
      `INSERT INTO policies (id, org_id, name, policy_type, enforcement_mode, rule_definition, metadata,
         applies_to_agents, is_active, prerequisites, evaluation_order, chain_trigger, version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, $9, $10::jsonb, $11, $12, 1, $13, $13)
       RETURNING *`,
      [id, principal.orgId, ...columnValues(fields), now],
    );
    const policy = fromRow(rows[0]!);
    await record(
      tx,
      principal,
      actorFor(principal, (requestBody as Record<string, unknown>).metadata),
      'policy.created',
      policy,
      null,
    );
    if (idempotencyKey !== undefined) {
      await tx.query(
        'INSERT INTO idempotency_keys (org_id, key, request_hash, status, body) VALUES ($1, $2, $3, 201, $4::jsonb)',
        [principal.orgId, idempotencyKey, requestHash, JSON.stringify(policy)],
      );
    }
    return { status: 201, policy };
  });
}

/**
 * Replaces the policy's fields with what `nextFields(current)` returns (PUT builds them from the
 * body alone, PATCH merges the body into the current policy). A write that changes nothing returns
 * the policy as it is, without a new version or an audit event.
 */
export async function updatePolicy(
  db: Db,
  principal: Principal,
  id: string,
  nextFields: (current: Policy) => PolicyFields,
  requestMetadata: unknown,
  expectedVersion?: number[],
): Promise<WriteResult> {
  return db.transaction(async (tx) => {
    await lockOrg(tx, principal.orgId);
    const current = await loadForUpdate(tx, principal.orgId, id);
    checkVersion(current, expectedVersion);
    const next = nextFields(current);
    const diff = diffFields(fieldsOf(current), next);
    if (Object.keys(diff).length === 0) return { status: 200, policy: current };
    await checkGraph(tx, principal.orgId, id, next, fieldsOf(current));
    const now = laterThan(current.updatedAt);
    const rows = await tx.query<PolicyRow>(
      `UPDATE policies SET ${COLUMNS}, version = version + 1, updated_at = $13 WHERE org_id = $1 AND id = $2 RETURNING *`,
      [principal.orgId, id, ...columnValues(next), now],
    );
    const policy = fromRow(rows[0]!);
    await record(tx, principal, actorFor(principal, requestMetadata), 'policy.updated', policy, diff);
    return { status: 200, policy };
  });
}

export async function deletePolicy(
  db: Db,
  principal: Principal,
  id: string,
  expectedVersion?: number[],
): Promise<WriteResult> {
  return db.transaction(async (tx) => {
    await lockOrg(tx, principal.orgId);
    const current = await loadForUpdate(tx, principal.orgId, id);
    checkVersion(current, expectedVersion);
    await tx.query('DELETE FROM policies WHERE org_id = $1 AND id = $2', [principal.orgId, id]);
    await record(tx, principal, principal.actorId, 'policy.deleted', current, null);
    return { status: 200, policy: current };
  });
}

export async function getPolicy(db: Queryable, orgId: string, id: string): Promise<Policy> {
  if (!isUuid(id)) throw notFound();
  const rows = await db.query<PolicyRow>('SELECT * FROM policies WHERE org_id = $1 AND id = $2', [orgId, id]);
  if (!rows[0]) throw notFound();
  return fromRow(rows[0]);
}

export interface ListQuery {
  name?: string;
  policyType?: string;
  isActive?: boolean;
  limit: number;
  offset: number;
  /** The most characters of policies the page holds (at least one policy); tests make it small. */
  pageChars?: number;
}

/**
 * The most characters of policies one page of the list carries: 500 policies of up to 1 MiB each
 * would make a response of half a gigabyte, past the longest string V8 builds.
 */
export const MAX_LIST_PAGE_CHARS = 64 * 1024 * 1024;

/**
 * The most characters one policy written through the API takes as JSON: its stored columns, bounded
 * by MAX_STORED_POLICY_BYTES (a character is at least a byte), and its id, version, times and keys.
 */
const POLICY_CHARS_BOUND = MAX_STORED_POLICY_BYTES + 4096;

/**
 * A page of the org's policies, ordered by creation. A page ends early once it holds
 * `pageChars` of policies (at least one): a client reads on from `offset` plus what it got while
 * that is under `total`, as policylens sync does. The policies are read in batches of as many as
 * the room left holds at the largest size a policy can have, so a page loads what it keeps and at
 * most one policy more. It loaded all it was asked for (up to 500 policies of up to 1 MiB) and then
 * dropped what did not fit.
 */
export async function listPolicies(
  db: Queryable,
  orgId: string,
  q: ListQuery,
): Promise<{ data: Policy[]; total: number }> {
  const where = ['org_id = $1'];
  const params: unknown[] = [orgId];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (q.name !== undefined) add('name = ?', q.name);
  if (q.policyType !== undefined) add('policy_type = ?', q.policyType);
  if (q.isActive !== undefined) add('is_active = ?', q.isActive);
  const filter = where.join(' AND ');
  const total = await db.query<{ n: number | string }>(
    `SELECT count(*)::int AS n FROM policies WHERE ${filter}`,
    params,
  );
  const pageChars = q.pageChars ?? MAX_LIST_PAGE_CHARS;
  const data: Policy[] = [];
  let chars = 0;
  while (data.length < q.limit) {
    const room = Math.floor((pageChars - chars) / POLICY_CHARS_BOUND);
    const batch = Math.min(q.limit - data.length, Math.max(1, room));
    const rows = await db.query<PolicyRow>(
      `SELECT * FROM policies WHERE ${filter} ORDER BY created_at, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, batch, q.offset + data.length],
    );
    for (const row of rows) {
      const policy = fromRow(row);
      chars += JSON.stringify(policy).length;
      if (data.length > 0 && chars > pageChars) return { data, total: Number(total[0]?.n ?? 0) };
      data.push(policy);
    }
    if (rows.length < batch) break;
  }
  return { data, total: Number(total[0]?.n ?? 0) };
}
