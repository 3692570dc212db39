/**
 * A database that a newer version of Policy Lens migrated is refused at start, by `serve` and by the
 * key commands, with a message that says so; nothing is written to it. A field test ran the registry
 * of an earlier commit on a data directory the current one had migrated: it served, and every write
 * was a 500 (`null value in column "seq"`). On PGlite (the CLI as a process) and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { openDb } from '../../registry/db';
import { startRegistry } from '../../registry/index';
import { pgliteBackend, postgresBackend, type Backend } from './backends';
import { policylensRun } from './cli';

const FUTURE = '999_from_a_newer_version';

/** Builds the registry's schema on `backend`, then records a migration this version does not know. */
async function migratedByANewerVersion(backend: Backend): Promise<void> {
  const registry = await startRegistry({ ...backend.storage, port: 0, log: () => undefined });
  await registry.createApiKey('acme', 'alice');
  await registry.close();
  const db = await openDb(backend.storage);
  try {
    await db.query('INSERT INTO schema_migrations (id) VALUES ($1)', [FUTURE]);
  } finally {
    await db.close();
  }
}

async function keyCount(backend: Backend): Promise<number> {
  const db = await openDb(backend.storage);
  try {
    const [row] = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM api_keys');
    return Number(row!.n);
  } finally {
    await db.close();
  }
}

const refusal = new RegExp(
  `the database was migrated by a newer version of Policy Lens \\(migration ${FUTURE}, which this version does not know; it knows up to \\d{3}_\\w+\\): upgrade policylens`,
);

for (const [label, make] of [
  ['PGlite', pgliteBackend],
  ['PostgreSQL', postgresBackend],
] as const) {
  describe(`a database migrated by a newer version, on ${label}`, () => {
    let backend: Backend | undefined;
    after(() => backend?.cleanup());

    it('serve, --create-key and --list-keys refuse it and write nothing', { timeout: 300_000 }, async () => {
      backend = await make();
      await migratedByANewerVersion(backend);
      for (const args of [
        ['serve', '--port', '0', ...backend.flags],
        ['serve', '--create-key', '--org', 'acme', ...backend.flags],
        ['serve', '--list-keys', ...backend.flags],
      ]) {
        const r = await policylensRun(args);
        assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, refusal, args.join(' '));
        assert.doesNotMatch(r.stdout, /listening|^plk_/m);
      }
      assert.equal(await keyCount(backend), 1);
    });
  });
}
