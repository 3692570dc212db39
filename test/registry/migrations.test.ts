/**
 * Migrating a database that an earlier version wrote: audit chains written with one global event
 * counter still verify after `seq` becomes a number per org (migration 003), and the numbers are
 * 1, 2, 3… per org in the order the events were written; every existing event gets the size verify
 * pages by (migration 005). On PGlite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { appendEvent, eventHash, GENESIS_HASH, historyOf, type NewEvent } from '../../registry/audit';
import { verifyChain } from '../../registry/verify';
import { openDb, type Db } from '../../registry/db';
import { migrate } from '../../registry/migrations';
import { pgliteBackend, postgresBackend, type Backend } from './backends';

/** An event as the version before migration 003 wrote it: no `seq` of its own (the identity). */
async function oldAppend(db: Db, event: NewEvent, prevHash: string): Promise<string> {
  const hash = eventHash(event, prevHash);
  await db.query(
    `INSERT INTO audit_events (org_id, policy_id, event_type, actor_id, changed_at, version, diff, snapshot, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10)`,
    [
      event.orgId,
      event.policyId,
      event.eventType,
      event.actorId,
      event.changedAt,
      event.version,
      JSON.stringify(event.diff),
      JSON.stringify(event.snapshot),
      prevHash,
      hash,
    ],
  );
  return hash;
}

function migrationOf(makeBackend: () => Backend | Promise<Backend>, label: string): void {
  describe(`migration 003 (seq per org) on ${label}`, () => {
    let backend: Backend | undefined;
    let db: Db | undefined;
    after(async () => {
      await db?.close();
      await backend?.cleanup();
    });

    it('keeps every existing chain valid and numbers its events per org, in their order', async () => {
      backend = await makeBackend();
      db = await openDb(backend.storage);
      assert.deepEqual(await migrate(db, { until: '002_audit_org_index' }), [
        '001_init',
        '002_audit_org_index',
      ]);
      const orgs = { a: randomUUID(), b: randomUUID() };
      for (const [name, id] of Object.entries(orgs))
        await db.query('INSERT INTO orgs (id, name) VALUES ($1, $2)', [id, `migrate-${name}`]);
      const policyOf = { a: randomUUID(), b: randomUUID() };
      const prev = { a: GENESIS_HASH, b: GENESIS_HASH };
      const version = { a: 0, b: 0 };
      // Interleaved, as two orgs write on one server: a b b a b a a.
      for (const who of ['a', 'b', 'b', 'a', 'b', 'a', 'a'] as const) {
        version[who]++;
        prev[who] = await oldAppend(
          db,
          {
            orgId: orgs[who],
            policyId: policyOf[who],
            eventType: version[who] === 1 ? 'policy.created' : 'policy.updated',
            actorId: `user-${who}`,
            changedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, version[who])).toISOString(),
            version: version[who],
            diff: version[who] === 1 ? null : { isActive: { from: true, to: false } },
            snapshot: { name: `p-${who}`, version: version[who] },
          },
          prev[who],
        );
      }

      assert.deepEqual(await migrate(db), [
        '003_audit_seq_per_org',
        '004_idempotency_created_index',
        '005_audit_event_size',
        '006_audit_key_actor',
      ]);
      // Every existing event got its size (what verify pages by), as PostgreSQL prints its JSON.
      const sizes = await db.query<{ size: string | number | null; text: string | number }>(
        'SELECT size, octet_length(snapshot::text) + coalesce(octet_length(diff::text), 0) AS text FROM audit_events',
      );
      assert.equal(sizes.length, 7);
      for (const s of sizes)
        assert.ok(s.size !== null && Number(s.size) === Number(s.text), JSON.stringify(s));
      // The expired idempotency keys each create deletes are found by their org and time.
      const indexes = await db.query<{ indexdef: string }>(
        "SELECT indexdef FROM pg_indexes WHERE tablename = 'idempotency_keys'",
      );
      assert.ok(
        indexes.some((i) => /\(org_id, created_at\)/.test(i.indexdef)),
        indexes.map((i) => i.indexdef).join('\n'),
      );
      for (const [who, count] of [
        ['a', 4],
        ['b', 3],
      ] as const) {
        const v = await verifyChain(db, orgs[who]);
        // The chain: intact, every event checked, the same head. (This old database holds only
        // audit events, no policy rows, so verify's comparison of live rows with the log reports
        // the one policy as deleted without an event: that check is not the migration's concern.)
        assert.deepEqual(
          [v.firstBroken, v.checked, v.head],
          [null, count, { seq: count, hash: prev[who] }],
          who,
        );
        assert.deepEqual(
          v.live.mismatches.map((m) => [m.policyId, m.reason]),
          [[policyOf[who], 'deleted without an audit event']],
          who,
        );
        const { events: history } = await historyOf(db, orgs[who], policyOf[who]);
        assert.deepEqual(
          history.map((e) => [e.seq, e.version]),
          Array.from({ length: count }, (_, i) => [i + 1, i + 1]),
          who,
        );
      }

      // New events continue each org's own numbering, and the chain.
      await db.transaction((tx) =>
        appendEvent(tx, {
          orgId: orgs.b,
          policyId: policyOf.b,
          eventType: 'policy.deleted',
          actorId: 'user-b',
          keyActorId: 'user-b',
          changedAt: new Date(Date.UTC(2026, 0, 2)).toISOString(),
          version: 3,
          diff: null,
          snapshot: { name: 'p-b', version: 3 },
        }),
      );
      const b = await verifyChain(db, orgs.b);
      assert.deepEqual([b.ok, b.checked, b.head?.seq], [true, 4, 4]);
      assert.equal((await verifyChain(db, orgs.a)).head?.seq, 4, "a's numbering is untouched");
      // The append-only trigger is back on after the migration's one UPDATE.
      await assert.rejects(
        db.query('UPDATE audit_events SET actor_id = $$x$$'),
        /append-only: UPDATE refused/,
      );
    });
  });
}

migrationOf(pgliteBackend, 'PGlite');
migrationOf(postgresBackend, 'PostgreSQL');
