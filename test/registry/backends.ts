/**
 * The two storages the registry suite runs against: PGlite in a temporary directory, and a
 * PostgreSQL server started by scripts/ensure-postgres.sh (or POLICYLENS_TEST_DATABASE_URL), with
 * a fresh database per run. Both hand the suite plain `startRegistry` options.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface Backend {
  name: 'pglite' | 'postgres';
  /** Storage options for startRegistry / the serve command; the same ones after a restart. */
  storage: { dataDir: string } | { databaseUrl: string };
  /** The serve flags selecting this storage. */
  flags: string[];
  cleanup(): Promise<void>;
}

export function pgliteBackend(): Backend {
  const dataDir = mkdtempSync(join(tmpdir(), 'policylens-registry-'));
  return {
    name: 'pglite',
    storage: { dataDir },
    flags: ['--data-dir', dataDir],
    async cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The server's URL: from the environment, or from the ensure script (which may install it). */
export function serverUrl(): string {
  const fromEnv = process.env.POLICYLENS_TEST_DATABASE_URL;
  if (fromEnv) return fromEnv;
  const r = spawnSync('bash', ['scripts/ensure-postgres.sh'], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) {
    throw new Error(
      `scripts/ensure-postgres.sh failed (exit ${r.status}):\n${r.stderr}${r.error?.message ?? ''}`,
    );
  }
  const url = r.stdout.trim().split('\n').pop() ?? '';
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new Error(`scripts/ensure-postgres.sh printed no URL:\n${r.stdout}\n${r.stderr}`);
  return url;
}

/**
 * Runs statements on the PostgreSQL server as the administrator of `admin` (its URL), one
 * connection per statement: what the tests that create databases and roles do around a registry.
 */
export function postgresAdmin(admin: string): (sql: string) => Promise<void> {
  return async (sql) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
}

export async function postgresBackend(): Promise<Backend> {
  const admin = serverUrl();
  const name = `policylens_test_${process.pid}_${randomBytes(3).toString('hex')}`;
  const run = postgresAdmin(admin);
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  return {
    name: 'postgres',
    storage: { databaseUrl },
    flags: ['--database-url', databaseUrl],
    cleanup: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
