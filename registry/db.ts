/**
 * One small interface over the two databases the registry runs on: PGlite (PostgreSQL compiled to
 * WebAssembly, in-process, persisted in a directory) and a PostgreSQL server reached by URL. Both
 * speak the same SQL, so everything above this file is written once.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { LOCK_NAME, lockDataDir } from './lock';
import { seedDataDir, templateTarball } from './pglite-template';

export type Row = Record<string, unknown>;

/** What a transaction (or the database outside one) can do. */
export interface Queryable {
  query<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `fn` in one transaction. Transactions are serialized inside this process: PGlite has a
   * single connection anyway, and serial writes keep the audit chain linear without retry loops.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** From now on, every statement runs as `role` (see roles.ts); null returns to the login user. */
  setRole(role: string | null): Promise<void>;
  /**
   * PostgreSQL: from now on, every connection logs in as `user` (see roles.ts). Unlike setRole,
   * `RESET ROLE` in such a session goes back to `user`, not to the owner. Throws when the login
   * fails; PGlite has one user and always throws.
   */
  loginAs(user: string, password: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Where the data lives: a PGlite data directory, a PostgreSQL server, or (`memory: true`) a PGlite
 * whose data lives in this process's memory and is gone when it closes — a throwaway registry, as
 * tests start by the dozen: it starts from the template (pglite-template.ts) without copying 39 MB
 * of files to disk and removing them again.
 */
export type DbOptions =
  | { dataDir: string; databaseUrl?: undefined; memory?: undefined }
  | { databaseUrl: string; dataDir?: undefined; memory?: undefined }
  | { memory: true; dataDir?: undefined; databaseUrl?: undefined };

/** A promise chain used as a mutex: each task starts when the previous one settled. */
function serializer(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

export async function openDb(options: DbOptions): Promise<Db> {
  if (options.databaseUrl !== undefined) return openPostgres(options.databaseUrl);
  return options.memory ? openPgliteInMemory() : openPglite(options.dataDir);
}

async function openPglite(dataDir: string): Promise<Db> {
  const unlock = lockDataDir(dataDir);
  let db: PGlite;
  try {
    await seedDataDir(dataDir, [LOCK_NAME]);
    db = new PGlite(dataDir);
    await db.waitReady;
  } catch (e) {
    unlock();
    throw e;
  }
  return pgliteDb(db, unlock);
}

async function openPgliteInMemory(): Promise<Db> {
  const tarball = await templateTarball();
  const db = new PGlite('memory://', tarball ? { loadDataDir: new Blob([tarball]) } : {});
  await db.waitReady;
  return pgliteDb(db, () => undefined);
}

/** The interface over an open PGlite; `release` runs once it closed. */
function pgliteDb(db: PGlite, release: () => void): Db {
  const serial = serializer();
  const query = async <T>(sql: string, params?: readonly unknown[]): Promise<T[]> =>
    (await db.query<T>(sql, params ? [...params] : undefined)).rows;
  return {
    kind: 'pglite',
    query,
    async exec(sql) {
      await db.exec(sql);
    },
    transaction: (fn) =>
      serial(() =>
        db.transaction((tx) =>
          fn({
            query: async (sql, params) => (await tx.query<never>(sql, params ? [...params] : undefined)).rows,
            exec: async (sql) => {
              await tx.exec(sql);
            },
          }),
        ),
      ),
    setRole: (role) =>
      serial(() => db.exec(role === null ? 'RESET ROLE' : `SET ROLE ${role}`).then(() => undefined)),
    loginAs: () => Promise.reject(new Error('PGlite has a single user')),
    close: () =>
      serial(async () => {
        try {
          await db.close();
        } finally {
          release();
        }
      }),
  };
}

async function openPostgres(databaseUrl: string): Promise<Db> {
  // Timestamps come back as Date objects and bigints as strings by default; the registry turns
  // both into JSON itself, so the driver's defaults are kept.
  const makePool = (role: string | null, login?: { user: string; password: string }) => {
    // The role is a start-up parameter of each connection, so no statement runs before it.
    const roleOption = role !== null ? { options: `-c role=${role}` } : {};
    // The driver lets the URL's user and password win over separate options: they go into the URL.
    let url = databaseUrl;
    if (login) {
      const u = new URL(databaseUrl);
      u.username = encodeURIComponent(login.user);
      u.password = encodeURIComponent(login.password);
      url = u.toString();
    }
    const p = new pg.Pool({ connectionString: url, max: 4, ...roleOption });
    p.on('error', () => {
      // An idle client lost its connection (server restart); the pool replaces it on next use.
    });
    return p;
  };
  let pool = makePool(null);
  // A bad URL should fail at start-up with the driver's message, not at the first request.
  const probe = await pool.connect();
  probe.release();
  const serial = serializer();
  return {
    kind: 'postgres',
    async query<T>(sql: string, params?: readonly unknown[]) {
      return (await pool.query(sql, params ? [...params] : undefined)).rows as T[];
    },
    async exec(sql) {
      await pool.query(sql);
    },
    transaction: (fn) =>
      serial(async () => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const result = await fn({
            query: async <T>(sql: string, params?: readonly unknown[]) =>
              (await client.query(sql, params ? [...params] : undefined)).rows as T[],
            exec: async (sql) => {
              await client.query(sql);
            },
          });
          await client.query('COMMIT');
          return result;
        } catch (e) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw e;
        } finally {
          client.release();
        }
      }),
    setRole: (role) =>
      serial(async () => {
        // Connections keep their role, so the pool is replaced rather than reconfigured.
        const old = pool;
        pool = makePool(role);
        await old.end();
      }),
    loginAs: (user, password) =>
      serial(async () => {
        const next = makePool(null, { user, password });
        try {
          (await next.connect()).release();
        } catch (e) {
          await next.end().catch(() => undefined);
          throw e;
        }
        const old = pool;
        pool = next;
        await old.end();
      }),
    close: () => serial(() => pool.end()),
  };
}
