/**
 * A PostgreSQL login user that may not create roles (the usual managed-database user): the registry
 * still starts, says once that requests run as the login user, and the audit triggers still refuse
 * rewrites. The hardened path (an application role) is covered by the main suite.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startRegistry, type Registry } from '../../registry/index';
import { postgresAdmin, serverUrl } from './backends';
import { call } from './api';

describe('registry on PostgreSQL as a user that cannot create roles', () => {
  const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const user = `policylens_limited_${suffix}`;
  const database = `policylens_limited_${suffix}`;
  let admin: string;
  let registry: Registry | undefined;
  const logged: string[] = [];

  let asAdmin: (sql: string) => Promise<void>;

  before(async () => {
    admin = serverUrl();
    asAdmin = postgresAdmin(admin);
    await asAdmin(`CREATE ROLE ${user} LOGIN NOCREATEROLE NOSUPERUSER`);
    await asAdmin(`CREATE DATABASE ${database} OWNER ${user}`);
    const url = new URL(admin);
    url.username = user;
    url.pathname = `/${database}`;
    registry = await startRegistry({ databaseUrl: url.toString(), port: 0, log: (l) => logged.push(l) });
  });

  after(async () => {
    await registry?.close();
    await asAdmin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await asAdmin(`DROP ROLE IF EXISTS ${user}`);
  });

  it('serves without the application role and says why, once', async () => {
    assert.equal(registry!.appRole, null);
    assert.equal(logged.length, 1);
    assert.match(
      logged[0]!,
      /running as the login user, not as role policylens_app \((permission denied|must have admin option)/,
    );
    const { key } = await registry!.createApiKey('limited');
    const res = await call(registry!, key, 'POST', '/policies', {
      name: 'p',
      policyType: 'expression',
      enforcementMode: 'block',
      ruleDefinition: { expression: 'true' },
    });
    assert.equal(res.status, 201);
  });

  it('still refuses to rewrite the audit log through the triggers', async () => {
    // Row triggers fire only for rows that exist: the previous test wrote one event.
    const [row] = await registry!.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events');
    assert.equal(row!.n, 1);
    await assert.rejects(
      registry!.db.query('UPDATE audit_events SET actor_id = $$x$$'),
      /append-only: UPDATE refused/,
    );
    await assert.rejects(registry!.db.query('DELETE FROM audit_events'), /append-only: DELETE refused/);
  });
});
