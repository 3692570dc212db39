/**
 * The `/api/v1/policies` routes: turn HTTP (path, headers, body) into store calls and store
 * results into the Execlave envelopes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { idKey } from '../../server/src/core/index';
import { historyOf } from '../audit';
import type { Principal } from '../auth';
import type { Db } from '../db';
import { ApiError, header, methodNotAllowed, notFound, readJson, sendJson } from '../http';
import { withDefaults, WRITABLE, type Policy } from './model';
import {
  createPolicy,
  deletePolicy,
  getPolicy,
  isUuid,
  listPolicies,
  updatePolicy,
  type WriteResult,
} from './store';
import { asObject, assertValidPolicy } from './validate';

const etag = (p: Policy): Record<string, string> => ({ ETag: `"${p.version}"` });

function send(res: ServerResponse, r: WriteResult, extra: Record<string, string> = {}): void {
  sendJson(res, r.status, { data: r.policy }, { ...etag(r.policy), ...extra });
}

/** `If-Match: "3"`, `W/"3"`, `3` or a list of them; `*` (or no header) matches any version. */
export function parseIfMatch(value: string | undefined): number[] | undefined {
  if (value === undefined || value.trim() === '' || value.trim() === '*') return undefined;
  return value
    .split(',')
    .map((v) =>
      v
        .trim()
        .replace(/^W\//i, '')
        .replace(/^"(.*)"$/, '$1'),
    )
    .filter((v) => /^\d+$/.test(v))
    .map(Number);
}

/**
 * Separates the read-only fields a client may send back (from a GET it edited) from the writable
 * ones. `id` must name the policy in the URL; `version` is a precondition like If-Match.
 */
function splitBody(body: Record<string, unknown>, urlId: string | undefined) {
  const writable: Record<string, unknown> = {};
  let version: number | undefined;
  for (const [k, v] of Object.entries(body)) {
    if (k === '$schema' || k === 'createdAt' || k === 'updatedAt') continue;
    if (k === 'id') {
      if (urlId === undefined)
        throw new ApiError('VALIDATION_ERROR', 'id is assigned by the server', {
          id: 'is assigned by the server',
        });
      // The URL's id may be written in another case than the stored one (UUIDs are case-insensitive).
      if (typeof v !== 'string' || idKey(v) !== idKey(urlId))
        throw new ApiError('VALIDATION_ERROR', 'id does not match the URL', { id: `must be ${urlId}` });
      continue;
    }
    if (k === 'version') {
      if (urlId === undefined) continue;
      if (typeof v !== 'number' || !Number.isInteger(v)) {
        throw new ApiError('VALIDATION_ERROR', 'version must be an integer', {
          version: 'must be an integer',
        });
      }
      version = v;
      continue;
    }
    writable[k] = v;
  }
  return { writable, version };
}

function expectedVersion(req: IncomingMessage, bodyVersion: number | undefined): number[] | undefined {
  const ifMatch = parseIfMatch(header(req, 'if-match'));
  if (bodyVersion === undefined) return ifMatch;
  if (ifMatch === undefined) return [bodyVersion];
  if (!ifMatch.includes(bodyVersion)) {
    throw new ApiError('PRECONDITION_FAILED', `If-Match and the body's version (${bodyVersion}) disagree`, {
      version: 'disagrees with If-Match',
    });
  }
  return [bodyVersion];
}

function intParam(params: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ApiError('VALIDATION_ERROR', `${name} must be an integer from ${min} to ${max}`, {
      [name]: `must be an integer from ${min} to ${max}`,
    });
  }
  return n;
}

/** The page sizes of the list and of a history, when not the defaults (see StartOptions). */
export interface PageChars {
  list?: number;
  history?: number;
}

async function list(
  db: Db,
  principal: Principal,
  url: URL,
  res: ServerResponse,
  pageChars: number | undefined,
): Promise<void> {
  const p = url.searchParams;
  const active = p.get('isActive');
  if (active !== null && active !== 'true' && active !== 'false') {
    throw new ApiError('VALIDATION_ERROR', 'isActive must be true or false', {
      isActive: 'must be true or false',
    });
  }
  const limit = intParam(p, 'limit', 50, 1, 500);
  const offset = intParam(p, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
  const { data, total } = await listPolicies(db, principal.orgId, {
    name: p.get('name') ?? undefined,
    policyType: p.get('policyType') ?? undefined,
    isActive: active === null ? undefined : active === 'true',
    limit,
    offset,
    ...(pageChars !== undefined ? { pageChars } : {}),
  });
  // A page may end early past 64 MB (see listPolicies): a client reads on from `offset` plus what
  // it got while that is under `total`, as policylens sync does.
  sendJson(res, 200, { data, meta: { total, limit, offset } });
}

/** Handles `/api/v1/policies[/{id}[/history]]`; `rest` is the path after `/policies`. */
export async function policiesRoute(
  db: Db,
  principal: Principal,
  req: IncomingMessage,
  res: ServerResponse,
  rest: string[],
  url: URL,
  pageChars: PageChars = {},
): Promise<void> {
  const method = req.method ?? 'GET';
  const allow = (methods: string) => {
    throw methodNotAllowed(method, methods);
  };

  if (rest.length === 0) {
    if (method === 'GET') return list(db, principal, url, res, pageChars.list);
    if (method !== 'POST') return allow('GET, POST');
    const body = asObject(await readJson(req));
    const { writable } = splitBody(body, undefined);
    assertValidPolicy(writable);
    const key = header(req, 'idempotency-key')?.trim();
    if (key !== undefined && (key === '' || key.length > 255)) {
      throw new ApiError('VALIDATION_ERROR', 'Idempotency-Key must have 1 to 255 characters', {
        'Idempotency-Key': 'must have 1 to 255 characters',
      });
    }
    const r = await createPolicy(db, principal, withDefaults(writable), writable, key);
    return send(res, r, {
      Location: `/api/v1/policies/${r.policy.id}`,
      ...(r.replayed ? { 'Idempotent-Replayed': 'true' } : {}),
    });
  }

  let id: string;
  try {
    id = decodeURIComponent(rest[0]!);
  } catch {
    throw notFound();
  }
  if (rest.length === 2 && rest[1] === 'history') {
    if (method !== 'GET') return allow('GET');
    if (!isUuid(id)) throw notFound();
    const offset = intParam(url.searchParams, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const { events, total } = await historyOf(db, principal.orgId, id, offset, pageChars.history);
    if (total === 0) throw notFound();
    // A long history comes in pages (see historyOf): read on from `offset` plus what came.
    return sendJson(res, 200, { data: events, meta: { total, offset } });
  }
  if (rest.length !== 1) throw notFound('No such route');

  switch (method) {
    case 'GET': {
      const policy = await getPolicy(db, principal.orgId, id);
      return sendJson(res, 200, { data: policy }, etag(policy));
    }
    case 'PUT': {
      if (!isUuid(id)) throw notFound();
      const { writable, version } = splitBody(asObject(await readJson(req)), id);
      assertValidPolicy(writable);
      const fields = withDefaults(writable);
      const expected = expectedVersion(req, version);
      return send(res, await updatePolicy(db, principal, id, () => fields, writable.metadata, expected));
    }
    case 'PATCH': {
      if (!isUuid(id)) throw notFound();
      const { writable: patch, version } = splitBody(asObject(await readJson(req)), id);
      const expected = expectedVersion(req, version);
      const r = await updatePolicy(
        db,
        principal,
        id,
        (current) => {
          const merged: Record<string, unknown> = {};
          for (const f of WRITABLE) merged[f] = current[f];
          // A key set to null goes back to its default (or, for a required key, fails validation).
          for (const [k, v] of Object.entries(patch)) {
            if (v === null) delete merged[k];
            else merged[k] = v;
          }
          assertValidPolicy(merged);
          return withDefaults(merged);
        },
        patch.metadata,
        expected,
      );
      return send(res, r);
    }
    case 'DELETE': {
      if (!isUuid(id)) throw notFound();
      return send(res, await deletePolicy(db, principal, id, expectedVersion(req, undefined)));
    }
    default:
      return allow('GET, PUT, PATCH, DELETE');
  }
}
