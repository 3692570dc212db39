/** The doors PostgreSQL adds: the database role, and a failed request's log line. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import pg from 'pg';
import { http } from '../support/registry';
import { as, call, counts, KEY, type Doors } from './context';

export function postgresOnly(ctx: Doors): void {
  it("the application's database role cannot rewrite the audit table", async () => {
    const url = (ctx.backend.storage as { databaseUrl: string }).databaseUrl;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const attempts = [
        'UPDATE audit_events SET actor_id = $$forged$$',
        'DELETE FROM audit_events',
        'TRUNCATE audit_events',
        'ALTER TABLE audit_events DISABLE TRIGGER ALL',
        'DROP TABLE audit_events',
      ];
      for (const sql of attempts) {
        await client.query('BEGIN');
        await client.query('SET LOCAL ROLE policylens_app');
        await assert.rejects(client.query(sql), /permission denied|must be owner/, sql);
        await client.query('ROLLBACK');
        counts.refused++;
      }
    } finally {
      await client.end();
    }
    for (const key of [KEY, ctx.otherKey]) {
      const verify = await call(ctx.s.url, 'GET', '/audit/verify', { headers: as(key) });
      assert.equal((verify.json.data as { ok: boolean }).ok, true);
    }
  });

  it('a request that fails is logged by its path, never with its query string', async () => {
    // The one way to make a well-formed request fail from outside: the table goes away.
    const client = new pg.Client({
      connectionString: (ctx.backend.storage as { databaseUrl: string }).databaseUrl,
    });
    await client.connect();
    const secret = 'plk_in_a_query_string_0123456789';
    let status: number;
    try {
      await client.query('ALTER TABLE policies RENAME TO policies_away');
      status = (await http(ctx.s.url, 'GET', `/policies?name=${secret}&limit=5`, { headers: as(KEY) }))
        .status;
    } finally {
      await client.query('ALTER TABLE policies_away RENAME TO policies');
      await client.end();
    }
    assert.equal(status, 500);
    const out = ctx.s.output();
    assert.match(out, /registry: GET \/api\/v1\/policies failed/);
    assert.ok(!out.includes(secret), 'the log shows the query string');
    assert.ok(!out.includes('limit=5'), 'the log shows the query string');
  });
}
