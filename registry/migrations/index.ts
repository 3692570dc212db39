/**
 * Applies the registry's migrations in order, each once, each in its own transaction. The same
 * list runs on PGlite and on PostgreSQL; an advisory lock keeps two servers starting at the same
 * time against one PostgreSQL database from applying a migration twice.
 */
import type { Db } from '../db';
import * as init from './001_init';
import * as auditOrgIndex from './002_audit_org_index';
import * as auditSeqPerOrg from './003_audit_seq_per_org';
import * as idempotencyCreatedIndex from './004_idempotency_created_index';
import * as auditEventSize from './005_audit_event_size';
import * as auditKeyActor from './006_audit_key_actor';

const migrations: readonly { id: string; sql: string }[] = [
  init,
  auditOrgIndex,
  auditSeqPerOrg,
  idempotencyCreatedIndex,
  auditEventSize,
  auditKeyActor,
];

/**
 * Applies what is not applied yet; `until` stops after that migration (tests build a database as
 * an older version left it, then migrate it).
 */
export async function migrate(db: Db, options: { until?: string } = {}): Promise<string[]> {
  await db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  await refuseNewerSchema(db);
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(7420)');
      const rows = await tx.query('SELECT 1 FROM schema_migrations WHERE id = $1', [m.id]);
      if (rows.length > 0) return false;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [m.id]);
      return true;
    });
    if (done) applied.push(m.id);
    if (m.id === options.until) break;
  }
  return applied;
}

/**
 * A database that a newer version migrated is refused, not served: this version's writes would
 * leave out what the newer schema holds (a field test ran the registry of an earlier commit on a data
 * directory the current one had migrated; every write was a 500, `null value in column "seq"`). A
 * developer switching branches with one `.policylens/registry`, or an older CI image on a shared
 * database, meets this first.
 */
async function refuseNewerSchema(db: Db): Promise<void> {
  const known = new Set(migrations.map((m) => m.id));
  const rows = await db.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
  const unknown = rows.map((r) => r.id).filter((id) => !known.has(id));
  if (unknown.length === 0) return;
  throw new Error(
    `the database was migrated by a newer version of Policy Lens (migration ${unknown.join(', ')}, which this version does not know; it knows up to ${migrations[migrations.length - 1]!.id}): upgrade policylens, or give another --data-dir or --database-url`,
  );
}
