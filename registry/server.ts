/**
 * The registry's HTTP server: node:http, a small router, authentication, and one place where
 * errors become the Execlave error envelope. Storage is opened, migrated and closed here too.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { verifyChain } from './verify';
import {
  authenticate,
  listKeys,
  orgExists,
  registerKey,
  revokeKey,
  type CreatedKey,
  type KeyInfo,
} from './auth';
import { openDb, type Db, type DbOptions } from './db';
import { ApiError, header, methodNotAllowed, sendError, sendJson } from './http';
import { migrate } from './migrations';
import { policiesRoute, type PageChars } from './policies/routes';
import { appRolePassword, DEFAULT_APP_ROLE, enableAppLogin, prepareAppRole } from './roles';

export type StartOptions = DbOptions & {
  /** 0 picks a free port. Default 7420. */
  port?: number;
  /** Default 127.0.0.1: the registry is a development server and listens on loopback only. */
  host?: string;
  /**
   * The role requests run as (see roles.ts); default `policylens_app`, `none` to run as the login
   * user. When the database does not allow creating it, the registry runs without and logs why.
   */
  appRole?: string;
  /**
   * Host names a request's `Host` header may carry besides IP addresses, `localhost` and `host`
   * (see `hostAllowed`): the names a reverse proxy or a container network uses.
   */
  allowedHosts?: readonly string[];
  /** Called with one line per request that failed with a 5xx, for the server's log. */
  log?: (line: string) => void;
  /**
   * The most characters a page of the list and of a history carries (default 64 MB each, at least
   * one item a page): tests make them small to page a small org like a huge one.
   */
  pageChars?: PageChars;
};

export interface Registry {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  port: number;
  storage: Db['kind'];
  /** The role requests run as, or null when they run as the login user. */
  appRole: string | null;
  db: Db;
  createApiKey(org: string, actor?: string, key?: string): Promise<CreatedKey>;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 7420;

/** Database errors a client can cause with a well-formed request, mapped to client errors. */
function fromDbError(e: unknown): ApiError | undefined {
  const code = (e as { code?: unknown }).code;
  if (code === '23505')
    return new ApiError('CONFLICT', 'A policy with that name already exists in this org', {
      name: 'already used',
    });
  if (code === '22P05' || code === '22021')
    return new ApiError('VALIDATION_ERROR', 'Text values must not contain NUL characters', {
      body: 'contains \\u0000',
    });
  return undefined;
}

/** The host name of a `Host` header (`[::1]:7420` → `::1`), lower case, without a trailing dot. */
function hostName(value: string): string {
  const v = value.trim().toLowerCase();
  const close = v.indexOf(']');
  const name = v.startsWith('[') ? v.slice(1, close < 0 ? undefined : close) : v.replace(/:\d*$/, '');
  return name.replace(/\.$/, '');
}

/**
 * DNS rebinding: a web page on `evil.example` whose name is re-pointed at 127.0.0.1 can make the
 * browser send requests to the registry as a same-origin page; they carry `Host: evil.example`. So a
 * request is served only when its Host names this machine in a way no web page can borrow: an IP
 * address (nobody can re-point an address), `localhost`, the name the server was bound to, or a
 * name the operator allowed. The port is not compared: it protects nothing here (the page's port is
 * the registry's), and a port forward (`ssh -L 9000:localhost:7420`) legitimately changes it. A
 * request without a Host (HTTP/1.0; browsers always send one) is served.
 */
export function hostAllowed(
  value: string | undefined,
  bound: string,
  allowed: readonly string[] = [],
): boolean {
  if (value === undefined) return true;
  const name = hostName(value);
  if (isIP(name) !== 0 || name === 'localhost') return true;
  return name === hostName(bound) || allowed.some((a) => hostName(a) === name);
}

async function route(
  db: Db,
  req: IncomingMessage,
  res: ServerResponse,
  host: string,
  allowedHosts: readonly string[],
  pageChars: PageChars,
): Promise<void> {
  const hostHeader = header(req, 'host');
  if (!hostAllowed(hostHeader, host, allowedHosts)) {
    const name = hostName(hostHeader ?? '').slice(0, 100);
    throw new ApiError(
      'FORBIDDEN',
      `Host "${name}" is not a name of this registry (DNS rebinding protection): use 127.0.0.1 or localhost, or start the registry with --allow-host ${name}`,
      { Host: 'not an allowed host name' },
    );
  }
  // The path is put after the origin rather than resolved against it: resolved, a path that starts
  // with `//` is a protocol-relative URL, and `//evil.example/api/v1/policies` read as the route
  // /api/v1/policies of the host evil.example (a field test).
  const raw = req.url ?? '/';
  const url = new URL(raw.startsWith('/') ? `http://registry.invalid${raw}` : raw, 'http://registry.invalid');
  const parts = url.pathname.split('/').filter(Boolean);
  if (parts[0] !== 'api' || parts[1] !== 'v1')
    throw new ApiError('NOT_FOUND', `No such route: ${url.pathname}`);
  const [resource, ...rest] = parts.slice(2);
  if (resource === 'health' && rest.length === 0) {
    return sendJson(res, 200, { data: { status: 'ok', storage: db.kind } });
  }
  const principal = await authenticate(db, req);
  switch (resource) {
    case 'whoami':
      return sendJson(res, 200, { data: principal });
    case 'policies':
      return policiesRoute(db, principal, req, res, rest, url, pageChars);
    case 'audit':
      if (rest.length === 1 && rest[0] === 'verify') {
        if (req.method !== 'GET') throw methodNotAllowed(req.method ?? '', 'GET');
        const expectHead = url.searchParams.get('expectHead') ?? undefined;
        if (expectHead !== undefined && !/^[0-9a-f]{64}$/.test(expectHead))
          throw new ApiError('VALIDATION_ERROR', 'expectHead must be an event hash (64 hex digits)', {
            expectHead: 'must be 64 hex digits',
          });
        return sendJson(res, 200, { data: await verifyChain(db, principal.orgId, { expectHead }) });
      }
      break;
  }
  throw new ApiError('NOT_FOUND', `No such route: ${url.pathname}`);
}

export async function startRegistry(options: StartOptions): Promise<Registry> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const db = await openDb(options);
  let appRole: string | null = null;
  try {
    await migrate(db);
    const wanted = options.appRole ?? DEFAULT_APP_ROLE;
    if (wanted !== 'none') {
      const prepared = await prepareAppRole(db, wanted);
      if (prepared.ok) {
        const password =
          options.databaseUrl !== undefined ? appRolePassword(options.databaseUrl, wanted) : undefined;
        let loggedIn = false;
        if (password !== undefined) {
          // Already set up by an earlier start (or another process): log in; else enable the login.
          loggedIn = await db.loginAs(wanted, password).then(
            () => true,
            () => false,
          );
          if (!loggedIn) {
            try {
              await enableAppLogin(db, wanted, password);
              await db.loginAs(wanted, password);
              loggedIn = true;
            } catch (e) {
              log(
                `registry: requests run as role ${wanted} through SET ROLE, not as its own login (${(e as Error).message}); RESET ROLE in a request's session could return to the login user`,
              );
            }
          }
        }
        // PGlite has one user, and docs/registry.md says so; a PostgreSQL URL without a password
        // (trust, peer, certificates) gets the same line as a refused login (docs/registry.md).
        if (password === undefined && options.databaseUrl !== undefined)
          log(
            `registry: requests run as role ${wanted} through SET ROLE, not as its own login (no password in the database URL or PGPASSWORD to derive its password from); RESET ROLE in a request's session could return to the login user`,
          );
        if (!loggedIn) await db.setRole(wanted);
        appRole = wanted;
      } else {
        log(
          `registry: running as the login user, not as role ${wanted} (${prepared.reason}); the audit triggers still apply`,
        );
      }
    }
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
  const host = options.host ?? '127.0.0.1';
  const allowedHosts = options.allowedHosts ?? [];
  const server = createServer((req, res) => {
    route(db, req, res, host, allowedHosts, options.pageChars ?? {}).catch((e: unknown) => {
      const api = e instanceof ApiError ? e : fromDbError(e);
      if (api) return sendError(res, api);
      // The path only: a query string may carry what a client should not have put in a URL.
      const path = (req.url ?? '/').split('?')[0]!.slice(0, 200);
      log(`registry: ${req.method} ${path} failed: ${(e as Error).stack ?? String(e)}`);
      if (res.headersSent) return res.destroy();
      sendError(res, new ApiError('INTERNAL_ERROR', `Internal error: ${(e as Error).message ?? String(e)}`));
    });
  });
  // A client that stops mid-request must not hold a socket forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (e: unknown) => {
    await db.close().catch(() => undefined);
    throw e;
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    storage: db.kind,
    appRole,
    db,
    createApiKey: (org, actor, key) => registerKey(db, org, actor, key),
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await db.close();
      })();
      return closing;
    },
  };
}

/** Creates a key against the storage directly (the server need not run): `serve --create-key`. */
export async function createApiKey(options: DbOptions, org: string, actor?: string): Promise<CreatedKey> {
  const db = await openDb(options);
  try {
    await migrate(db);
    return await registerKey(db, org, actor);
  } finally {
    await db.close();
  }
}

/** Runs `work` against the storage directly (the server need not run), migrated first. */
async function withStorage<T>(options: DbOptions, work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(options);
  try {
    await migrate(db);
    return await work(db);
  } finally {
    await db.close();
  }
}

/**
 * `serve --list-keys`: the keys (never the keys themselves), of one org or all; `orgKnown` says
 * whether the registry knows `org` (always true without one).
 */
export function listApiKeys(
  options: DbOptions,
  org?: string,
): Promise<{ keys: KeyInfo[]; orgKnown: boolean }> {
  return withStorage(options, async (db) => ({
    keys: await listKeys(db, org),
    orgKnown: org === undefined || (await orgExists(db, org)),
  }));
}

/** `serve --revoke-key ID`: the key gets 401 from then on. */
export function revokeApiKey(
  options: DbOptions,
  ref: string,
  org?: string,
): Promise<{ key: KeyInfo; already: boolean }> {
  return withStorage(options, (db) => revokeKey(db, ref, org));
}
