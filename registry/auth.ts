/**
 * API keys. A key belongs to one org and carries the actor id written into audit events. Only a
 * SHA-256 hash of the key is stored: keys are 192 random bits, so a fast hash is enough (there is
 * nothing to brute-force), and a leaked database does not leak working keys.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { sha256Hex } from './canonical';
import type { Queryable } from './db';
import { ApiError, header } from './http';

export interface Principal {
  orgId: string;
  orgName: string;
  actorId: string;
}

export interface CreatedKey extends Principal {
  /** The key in clear text: shown once, never stored. */
  key: string;
}

/** Finds the org by name, creating it on first use. */
export async function ensureOrg(db: Queryable, name: string): Promise<string> {
  const trimmed = name.trim();
  if (trimmed === '') throw new Error('An org name must not be empty');
  await db.query('INSERT INTO orgs (id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
    randomUUID(),
    trimmed,
  ]);
  const rows = await db.query<{ id: string }>('SELECT id FROM orgs WHERE name = $1', [trimmed]);
  return rows[0]!.id;
}

/**
 * Registers `key` (or a fresh random one) for `org`. Registering a key that already exists is a
 * no-op when it belongs to the same org, so a seed key (POLICYLENS_SEED_KEY) can be given on every start.
 */
export async function registerKey(
  db: Queryable,
  org: string,
  actor?: string,
  key?: string,
): Promise<CreatedKey> {
  const clear = key ?? `plk_${randomBytes(24).toString('base64url')}`;
  if (clear.length < 8) throw new Error('An API key must have at least 8 characters');
  const orgId = await ensureOrg(db, org);
  const keyId = randomUUID();
  const actorId = actor?.trim() || `key_${keyId.slice(0, 8)}`;
  await db.query(
    `INSERT INTO api_keys (id, org_id, key_hash, key_prefix, actor_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (key_hash) DO NOTHING`,
    [keyId, orgId, sha256Hex(clear), clear.slice(0, 8), actorId],
  );
  const principal = await lookup(db, clear);
  if (!principal) {
    // A revoked seed key given again on a restart: registering it anew would undo the revocation.
    const revoked = await revokedKeyId(db, clear);
    if (revoked)
      throw new Error(`That key was revoked (key id ${revoked}); a revoked key is never registered again`);
  }
  if (!principal || principal.orgId !== orgId)
    throw new Error(`That key is already registered for another org`);
  return { ...principal, key: clear };
}

async function lookup(db: Queryable, key: string): Promise<Principal | undefined> {
  const rows = await db.query<{ org_id: string; org_name: string; actor_id: string }>(
    `SELECT k.org_id, o.name AS org_name, k.actor_id FROM api_keys k JOIN orgs o ON o.id = k.org_id
     WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
    [sha256Hex(key)],
  );
  const r = rows[0];
  return r ? { orgId: r.org_id, orgName: r.org_name, actorId: r.actor_id } : undefined;
}

/** The id of `key` when it is a revoked key; undefined for a key in use or one never registered. */
async function revokedKeyId(db: Queryable, key: string): Promise<string | undefined> {
  const rows = await db.query<{ id: string }>(
    'SELECT id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NOT NULL',
    [sha256Hex(key)],
  );
  return rows[0]?.id;
}

/** The key of a request: `X-API-Key`, or `Authorization: Bearer`. */
export function keyOf(req: IncomingMessage): string | undefined {
  const direct = header(req, 'x-api-key')?.trim();
  if (direct) return direct;
  const auth = header(req, 'authorization')?.trim();
  const m = auth ? /^Bearer\s+(\S+)$/i.exec(auth) : null;
  return m?.[1];
}

export async function authenticate(db: Queryable, req: IncomingMessage): Promise<Principal> {
  const key = keyOf(req);
  if (!key)
    throw new ApiError('UNAUTHORIZED', 'Missing API key: send X-API-Key or Authorization: Bearer <key>');
  const principal = await lookup(db, key);
  // Only the holder of a revoked key learns that it was revoked; any other key stays "Invalid".
  if (!principal)
    throw new ApiError('UNAUTHORIZED', (await revokedKeyId(db, key)) ? 'API key revoked' : 'Invalid API key');
  return principal;
}

/** A key as `serve --list-keys` shows it: never the key itself (only its hash is stored). */
export interface KeyInfo {
  id: string;
  /** The key's first 8 characters, to tell keys apart. */
  prefix: string;
  org: string;
  actorId: string;
  createdAt: string;
  /** When it was revoked; absent for a key in use. */
  revokedAt?: string;
}

/** Every key, or every key of `org`, oldest first. */
export async function listKeys(db: Queryable, org?: string): Promise<KeyInfo[]> {
  const rows = await db.query<{
    id: string;
    key_prefix: string;
    org_name: string;
    actor_id: string;
    created_at: Date | string;
    revoked_at: Date | string | null;
  }>(
    `SELECT k.id, k.key_prefix, o.name AS org_name, k.actor_id, k.created_at, k.revoked_at
     FROM api_keys k JOIN orgs o ON o.id = k.org_id
     WHERE $1::text IS NULL OR o.name = $1
     ORDER BY k.created_at, k.id`,
    [org?.trim() ?? null],
  );
  const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());
  return rows.map((r) => ({
    id: r.id,
    prefix: r.key_prefix,
    org: r.org_name,
    actorId: r.actor_id,
    createdAt: iso(r.created_at),
    ...(r.revoked_at ? { revokedAt: iso(r.revoked_at) } : {}),
  }));
}

/** Whether the registry knows an org of that name (an org is created with its first key). */
export async function orgExists(db: Queryable, name: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM orgs WHERE name = $1', [name.trim()])).length > 0;
}

/**
 * Revokes the key whose id is `ref` (as `--list-keys` prints it, in any case), or that `ref` names
 * by its first 8 characters or by 8 or more characters of its id, when exactly one key in use
 * matches; `org` narrows the search. From then on the key gets 401. Revoking a revoked key (by id,
 * or by a prefix that only a revoked key has) is a no-op that says so; nothing is deleted (the
 * audit log names key ids).
 */
export async function revokeKey(
  db: Queryable,
  ref: string,
  org?: string,
): Promise<{ key: KeyInfo; already: boolean }> {
  const wanted = ref.trim();
  const keys = await listKeys(db, org);
  const lower = wanted.toLowerCase();
  const byId = keys.filter((k) => k.id === lower);
  const scope = org !== undefined ? ` of org "${org}"` : '';
  // Fewer characters would match keys by chance, and "plk_" alone matches every generated key.
  if (!byId.length && wanted.length < 8)
    throw new Error(
      `"${wanted}" is too short: give at least 8 characters of the id, or the key's first 8 (--list-keys lists both)`,
    );
  const byPrefix = keys.filter((k) => k.prefix === wanted || k.id.startsWith(lower));
  const matches = byId.length ? byId : byPrefix.filter((k) => !k.revokedAt);
  if (!matches.length && byPrefix.length === 1) return { key: byPrefix[0]!, already: true };
  if (!matches.length && byPrefix.length > 1)
    throw new Error(
      `the ${byPrefix.length} keys${scope} with the prefix "${wanted}" were already revoked (${byPrefix.map((k) => k.id).join(', ')})`,
    );
  if (!matches.length)
    throw new Error(`no API key${scope} has the id or prefix "${wanted}" (--list-keys lists them)`);
  if (matches.length > 1)
    throw new Error(
      `${matches.length} keys${scope} have the prefix "${wanted}": give the key id (--list-keys lists them)`,
    );
  const key = matches[0]!;
  if (key.revokedAt) return { key, already: true };
  const rows = await db.query<{ revoked_at: Date | string }>(
    'UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING revoked_at',
    [key.id],
  );
  const at = rows[0]?.revoked_at;
  return {
    key: { ...key, revokedAt: at ? new Date(at).toISOString() : new Date().toISOString() },
    already: !rows.length,
  };
}
