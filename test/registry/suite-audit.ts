/**
 * The registry suite's guarantees of the audit table: append-only for every role, numbered per org,
 * and a verify that catches a policy or an event changed behind the API's back.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import type { Registry } from '../../registry/index';
import { bundle, call, type Json } from './api';
import type { Backend } from './backends';
import { policylensRun } from './cli';
import type { SuiteContext } from './suite';

type Q = (sql: string, params?: unknown[]) => Promise<unknown>;

/**
 * Runs `fn` in one transaction as the tables' owner: what an attacker with the owner's or a
 * superuser's rights could do. On PostgreSQL that is a connection of its own (the registry's
 * connections log in as the application role, which cannot switch back); PGlite has one user,
 * and the registry's connection can.
 */
async function asOwner(registry: Registry, backend: Backend, fn: (q: Q) => Promise<void>): Promise<void> {
  if (backend.name === 'pglite') {
    return registry.db.transaction(async (tx) => {
      await tx.query('SET LOCAL ROLE NONE');
      await fn((sql, params) => tx.query(sql, params));
    });
  }
  const client = new pg.Client({
    connectionString: (backend.storage as { databaseUrl: string }).databaseUrl,
  });
  await client.connect();
  try {
    await client.query('BEGIN');
    await fn((sql, params) => client.query(sql, params));
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    await client.end();
  }
}

export function auditTable(ctx: SuiteContext): void {
  describe('the audit table', () => {
    const attempts = [
      'UPDATE audit_events SET actor_id = $$someone-else$$',
      'DELETE FROM audit_events',
      'TRUNCATE audit_events',
    ];

    it("is read-and-append-only for the application's role", async () => {
      assert.equal(ctx.registry.appRole, 'policylens_app');
      const { key } = await ctx.registry.createApiKey('app-role');
      assert.equal((await call(ctx.registry, key, 'POST', '/policies', bundle('p'))).status, 201);
      // ctx.registry.db runs as the role the requests run as.
      for (const sql of attempts) await assert.rejects(ctx.registry.db.query(sql), /permission denied/, sql);
      await assert.rejects(
        ctx.registry.db.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_rewrite'),
        /must be owner/,
      );
      const [row] = await ctx.registry.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events');
      assert.ok(row!.n >= 1, 'the role can read the log');
    });

    it('refuses UPDATE, DELETE and TRUNCATE even to its owner, also in a replica session', async () => {
      const { key } = await ctx.registry.createApiKey('append-only');
      assert.equal((await call(ctx.registry, key, 'POST', '/policies', bundle('p'))).status, 201);
      const owner = (sql: string, replica: boolean) =>
        asOwner(ctx.registry, ctx.backend, async (q) => {
          // ENABLE ALWAYS: a session that silences ordinary triggers still meets these.
          if (replica) await q('SET LOCAL session_replication_role = replica');
          await q(sql);
        });
      for (const sql of attempts) {
        await assert.rejects(owner(sql, false), /append-only: (UPDATE|DELETE|TRUNCATE) refused/, sql);
        await assert.rejects(
          owner(sql, true),
          /append-only: (UPDATE|DELETE|TRUNCATE) refused/,
          `${sql} as replica`,
        );
      }
      const verify = await call(ctx.registry, key, 'GET', '/audit/verify');
      assert.deepEqual([verify.body.data.ok, verify.body.data.checked], [true, 1]);
    });

    it("numbers each org's events on their own: another org's writes leave no gap", async () => {
      const a = await ctx.registry.createApiKey('seq-a');
      const b = await ctx.registry.createApiKey('seq-b');
      const ids: Record<string, string> = {};
      // Interleaved: a, b, b, a, b, a.
      for (const [who, name] of [
        [a, 'a1'],
        [b, 'b1'],
        [b, 'b2'],
        [a, 'a2'],
        [b, 'b3'],
        [a, 'a3'],
      ] as const) {
        const r = await call(ctx.registry, who.key, 'POST', '/policies', bundle(name));
        assert.equal(r.status, 201);
        ids[name] = r.body.data.id as string;
      }
      const seqs = async (key: string, names: string[]) => {
        const out: number[] = [];
        for (const n of names)
          out.push(
            ...(await call(ctx.registry, key, 'GET', `/policies/${ids[n]}/history`)).body.data.map(
              (e) => e.seq as number,
            ),
          );
        return out;
      };
      assert.deepEqual(await seqs(a.key, ['a1', 'a2', 'a3']), [1, 2, 3]);
      assert.deepEqual(await seqs(b.key, ['b1', 'b2', 'b3']), [1, 2, 3]);
      for (const who of [a, b]) {
        const { data } = (await call(ctx.registry, who.key, 'GET', '/audit/verify')).body;
        assert.deepEqual([data.ok, data.checked, (data.head as Json).seq], [true, 3, 3]);
      }
    });

    it('verify compares each live policy with its last audited snapshot (a direct UPDATE, DELETE or INSERT)', async () => {
      const { key, orgId } = await ctx.registry.createApiKey('live-state');
      const ids: string[] = [];
      for (const n of ['kept', 'edited', 'removed', 'revived']) {
        const r = await call(ctx.registry, key, 'POST', '/policies', bundle(n));
        ids.push(r.body.data.id as string);
      }
      await call(ctx.registry, key, 'PATCH', `/policies/${ids[1]}`, { enforcementMode: 'log_only' });
      const [revived] = await ctx.registry.db.query('SELECT * FROM policies WHERE id = $1', [ids[3]]);
      await call(ctx.registry, key, 'DELETE', `/policies/${ids[3]}`);
      let { data } = (await call(ctx.registry, key, 'GET', '/audit/verify')).body;
      assert.deepEqual([data.ok, data.live], [true, { checked: 3, mismatched: 0, mismatches: [] }]);

      // The application's own role may write `policies`: what someone with its rights could do
      // without going through the API (no audit event).
      await ctx.registry.db.query(`UPDATE policies SET enforcement_mode = 'monitor' WHERE id = $1`, [ids[1]]);
      await ctx.registry.db.query('DELETE FROM policies WHERE id = $1', [ids[2]]);
      await ctx.registry.db.query(
        `INSERT INTO policies (id, org_id, name, policy_type, enforcement_mode, rule_definition, created_at, updated_at)
         VALUES ('00000000-0000-4000-8000-000000000001', $1, 'smuggled', 'expression', 'block', '{"expression":"true"}', now(), now())`,
        [orgId],
      );
      // A policy deleted through the API, put back by hand: its log ends with the delete.
      await ctx.registry.db.query(
        `INSERT INTO policies (id, org_id, name, policy_type, enforcement_mode, rule_definition, created_at, updated_at)
         SELECT $1, $2, 'revived', 'expression', 'block', '{"expression":"true"}', $3, $4`,
        [ids[3], orgId, revived!.created_at, revived!.updated_at],
      );
      ({ data } = (await call(ctx.registry, key, 'GET', '/audit/verify')).body);
      assert.equal(data.ok, false);
      assert.equal(data.firstBroken, null, 'the chain itself is intact');
      const reasons = (data.live as { mismatches: Json[] }).mismatches
        .map((m) => [m.policyId, m.name, m.reason])
        .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
      // Each named, the policy no longer live too (by its last audited name); a row whose log ends
      // with its delete is not "not in the audit log" (a field test).
      assert.deepEqual(
        reasons,
        [
          ['00000000-0000-4000-8000-000000000001', 'smuggled', 'not in the audit log'],
          [ids[1], 'edited', 'changed since its last audited event'],
          [ids[2], 'removed', 'deleted without an audit event'],
          [ids[3], 'revived', 'deleted in the audit log, yet live'],
        ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
      );
      const cli = await policylensRun(['history', '--verify', '--url', ctx.registry.url], {
        POLICYLENS_API_KEY: key,
      });
      assert.equal(cli.code, 1, cli.stdout + cli.stderr);
      assert.match(cli.stdout, /✗ 4 live policies are not what the audit log says/);
      assert.match(cli.stdout, /edited \([0-9a-f-]+\): changed since its last audited event/);
      assert.match(cli.stdout, /removed \([0-9a-f-]+\): deleted without an audit event/);
    });

    it('history --verify --expect-head: a kept head must stay in the chain (truncation is caught)', async () => {
      const { key, orgId } = await ctx.registry.createApiKey('anchor');
      const env = { POLICYLENS_API_KEY: key };
      await call(ctx.registry, key, 'POST', '/policies', bundle('one'));
      const first = await policylensRun(['history', '--verify', '--url', ctx.registry.url], env);
      assert.equal(first.code, 0, first.stdout + first.stderr);
      // The whole head hash is printed, for CI logs to publish.
      const h1 = /head seq 1, hash ([0-9a-f]{64})\)/.exec(first.stdout)?.[1];
      assert.ok(h1, first.stdout);
      await call(ctx.registry, key, 'POST', '/policies', bundle('two'));
      const h2 = ((await call(ctx.registry, key, 'GET', '/audit/verify')).body.data.head as Json)
        .hash as string;

      // The chain grew: an older head is still in it (also written in upper case, as some tools
      // print hashes: a field test found it refused).
      for (const h of [h1, h2, h2.toUpperCase()]) {
        const r = await policylensRun(
          ['history', '--verify', '--expect-head', h, '--url', ctx.registry.url],
          env,
        );
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout, new RegExp(`✓ expected head ${h.toLowerCase()} is in the chain`));
      }
      const unknown = await policylensRun(
        ['history', '--verify', '--expect-head', 'f'.repeat(64), '--url', ctx.registry.url],
        env,
      );
      assert.equal(unknown.code, 1);
      assert.match(unknown.stdout, /is not in the intact chain/);

      // The tail cut off by someone with the owner's rights: the rest of the chain is intact, so
      // only a kept head shows the loss.
      await asOwner(ctx.registry, ctx.backend, async (q) => {
        await q('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_rewrite');
        await q('DELETE FROM audit_events WHERE org_id = $1 AND seq = 2', [orgId]);
        await q('ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_rewrite');
      });
      const { data } = (await call(ctx.registry, key, 'GET', `/audit/verify?expectHead=${h2}`)).body;
      assert.equal(data.firstBroken, null);
      assert.deepEqual(data.expectedHead, { hash: h2, found: false, seq: null });
      const cut = await policylensRun(
        ['history', '--verify', '--expect-head', h2, '--url', ctx.registry.url],
        env,
      );
      assert.equal(cut.code, 1, cut.stdout);
      const usage = await policylensRun(
        ['history', '--verify', '--expect-head', 'abc', '--url', ctx.registry.url],
        env,
      );
      assert.equal(usage.code, 2, usage.stderr);
    });

    it('verify reports an event edited with the triggers switched off', async () => {
      const { key, orgId } = await ctx.registry.createApiKey('tamper-edit');
      const a = await call(
        ctx.registry,
        key,
        'POST',
        '/policies',
        bundle('a', { enforcementMode: 'log_only' }),
      );
      await call(ctx.registry, key, 'PATCH', `/policies/${a.body.data.id}`, { enforcementMode: 'block' });
      await call(ctx.registry, key, 'POST', '/policies', bundle('b'));
      assert.equal((await call(ctx.registry, key, 'GET', '/audit/verify')).body.data.ok, true);

      // What an attacker with the owner's or a superuser's rights would do.
      const [target] = await ctx.registry.db.query<{ seq: string }>(
        `SELECT seq FROM audit_events WHERE org_id = $1 AND event_type = 'policy.updated'`,
        [orgId],
      );
      await asOwner(ctx.registry, ctx.backend, async (q) => {
        await q('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_rewrite');
        await q(
          `UPDATE audit_events SET diff = '{"enforcementMode":{"from":"log_only","to":"log_only"}}' WHERE org_id = $1 AND seq = $2`,
          [orgId, target!.seq],
        );
        await q('ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_rewrite');
      });

      const { data } = (await call(ctx.registry, key, 'GET', '/audit/verify')).body;
      assert.equal(data.ok, false);
      assert.equal(data.checked, 1, 'the event before the edit still verifies');
      const broken = data.firstBroken as Json;
      assert.deepEqual(
        [broken.seq, broken.reason, broken.eventType],
        [Number(target!.seq), 'hash mismatch', 'policy.updated'],
      );
      // The history shows the forged diff, but verify says it is not what was written.
      const history = await call(ctx.registry, key, 'GET', `/policies/${a.body.data.id}/history`);
      assert.deepEqual(history.body.data[1]!.diff, { enforcementMode: { from: 'log_only', to: 'log_only' } });
    });

    it('verify reports an event removed with the triggers switched off', async () => {
      const { key, orgId } = await ctx.registry.createApiKey('tamper-delete');
      for (const n of ['a', 'b', 'c']) await call(ctx.registry, key, 'POST', '/policies', bundle(n));
      const rows = await ctx.registry.db.query<{ seq: string }>(
        'SELECT seq FROM audit_events WHERE org_id = $1 ORDER BY seq',
        [orgId],
      );
      await asOwner(ctx.registry, ctx.backend, async (q) => {
        await q('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_rewrite');
        await q('DELETE FROM audit_events WHERE org_id = $1 AND seq = $2', [orgId, rows[1]!.seq]);
        await q('ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_rewrite');
      });
      const { data } = (await call(ctx.registry, key, 'GET', '/audit/verify')).body;
      const broken = data.firstBroken as Json;
      assert.deepEqual([data.ok, broken.seq, broken.reason], [false, Number(rows[2]!.seq), 'broken link']);
    });
  });
}
