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

// Without a password to derive the role's from (the test cluster trusts loopback), requests run
// through SET ROLE, which RESET ROLE undoes: docs/registry.md promises one log line saying so, and
// there was none (a field test of `serve --database-url postgres://postgres@127.0.0.1/…`).
describe('registry on PostgreSQL without a password: SET ROLE, said once', () => {
  const database = `policylens_nopw_${process.pid}_${randomBytes(3).toString('hex')}`;
  let asAdmin: (sql: string) => Promise<void>;

  before(async () => {
    asAdmin = postgresAdmin(serverUrl());
    await asAdmin(`CREATE DATABASE ${database}`);
  });
  after(() => asAdmin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));

  it('serves as the application role through SET ROLE, and logs one line that says so', async () => {
    const url = new URL(serverUrl());
    url.pathname = `/${database}`;
    url.password = '';
    const logged: string[] = [];
    const saved = process.env.PGPASSWORD;
    delete process.env.PGPASSWORD;
    const registry = await startRegistry({
      databaseUrl: url.toString(),
      port: 0,
      log: (l) => logged.push(l),
    });
    if (saved !== undefined) process.env.PGPASSWORD = saved;
    try {
      assert.equal(registry.appRole, 'policylens_app');
      const [who] = await registry.db.query<{ current_user: string; session_user: string }>(
        'SELECT current_user, session_user',
      );
      assert.equal(who!.current_user, 'policylens_app');
      assert.notEqual(who!.session_user, 'policylens_app');
      assert.equal(logged.length, 1, logged.join('\n'));
      assert.match(
        logged[0]!,
        /requests run as role policylens_app through SET ROLE, not as its own login \(no password/,
      );
      assert.match(logged[0]!, /RESET ROLE in a request's session could return to the login user/);
    } finally {
      await registry.close();
    }
  });
});
