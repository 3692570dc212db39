/**
 * On PostgreSQL the registry's connections log in as the application role itself (when the owner's
 * URL has a password to derive the role's from), so a statement smuggled into a request's session
 * cannot switch back to the owner: `RESET ROLE` and `SET ROLE NONE` lead back to the application
 * role, and it is no member of the owner's role. (PGlite has a single user; see docs/registry.md.)
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startRegistry, type Registry } from '../../registry/index';
import { postgresAdmin, serverUrl } from './backends';
import { call } from './api';

describe('registry on PostgreSQL, logged in as the application role', () => {
  const database = `policylens_login_${process.pid}_${randomBytes(3).toString('hex')}`;
  let admin: string;
  let registry: Registry | undefined;
  const logged: string[] = [];

  let asAdmin: (sql: string) => Promise<void>;

  before(async () => {
    admin = serverUrl();
    asAdmin = postgresAdmin(admin);
    await asAdmin(`CREATE DATABASE ${database}`);
    const url = new URL(admin);
    url.pathname = `/${database}`;
    // The test cluster trusts loopback; the password is what the role's password is derived from.
    url.password = 'owner-secret';
    registry = await startRegistry({ databaseUrl: url.toString(), port: 0, log: (l) => logged.push(l) });
  });

  after(async () => {
    await registry?.close();
    await asAdmin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  it('serves, with sessions that start as the application role', async () => {
    assert.deepEqual(logged, []);
    assert.equal(registry!.appRole, 'policylens_app');
    const [who] = await registry!.db.query<{ current_user: string; session_user: string }>(
      'SELECT current_user, session_user',
    );
    assert.deepEqual(who, { current_user: 'policylens_app', session_user: 'policylens_app' });
    const { key } = await registry!.createApiKey('login-role');
    const res = await call(registry!, key, 'POST', '/policies', {
      name: 'p',
      policyType: 'expression',
      enforcementMode: 'block',
      ruleDefinition: { expression: 'true' },
    });
    assert.equal(res.status, 201);
  });

  it('RESET ROLE and SET ROLE NONE lead nowhere: the audit log stays out of reach', async () => {
    for (const escape of ['RESET ROLE', 'SET ROLE NONE', 'RESET SESSION AUTHORIZATION']) {
      const who = await registry!.db.transaction(async (tx) => {
        await tx.query(escape);
        return (await tx.query<{ u: string }>('SELECT current_user AS u'))[0]!.u;
      });
      assert.equal(who, 'policylens_app', escape);
      for (const sql of [
        'UPDATE audit_events SET actor_id = $$forged$$',
        'DELETE FROM audit_events',
        'ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_rewrite',
      ])
        await assert.rejects(
          registry!.db.transaction(async (tx) => {
            await tx.query(escape);
            await tx.query(sql);
          }),
          /permission denied|must be owner/,
          `${escape}; ${sql}`,
        );
    }
    await assert.rejects(
      registry!.db.transaction((tx) => tx.query('SET ROLE postgres')),
      /permission denied to set role/,
    );
  });
});
