/**
 * The application role. Triggers stop the application's statements from rewriting the audit log,
 * but a table owner can switch triggers off; so, where the database allows it, requests run as a
 * separate role that owns nothing: it may read and write policies, keys and idempotency records,
 * and may only SELECT and INSERT audit events. An UPDATE or DELETE on the audit table is then
 * refused twice (no privilege, and the trigger), and ALTER TABLE … DISABLE TRIGGER is refused
 * because the role is not the owner. Migrations and key creation run as the connecting user.
 *
 * On PostgreSQL with an owner password, requests log in as the role (enableAppLogin), so that
 * `RESET ROLE` cannot return to the owner; otherwise they run as the owner with `SET ROLE`.
 *
 * PGlite and a local PostgreSQL superuser can always do this. A managed database whose user may
 * not create roles runs without it (the triggers still apply), and says so once at start-up.
 */
import { createHmac } from 'node:crypto';
import type { Queryable } from './db';

export const DEFAULT_APP_ROLE = 'policylens_app';

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Creates the role if needed and grants it what the API needs; false when not permitted. Runs on
 * every start, so a table added by a later migration only needs its grant added here.
 */
export async function prepareAppRole(db: Queryable, role: string): Promise<{ ok: boolean; reason?: string }> {
  if (!IDENT.test(role)) throw new Error(`--app-role must be a lower-case SQL identifier, not "${role}"`);
  try {
    // Roles belong to the whole cluster: another database (or a parallel start) may have made it.
    await db.exec(`
      DO $do$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN
          CREATE ROLE ${role} NOLOGIN;
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $do$;
      GRANT ${role} TO CURRENT_USER;
      GRANT USAGE ON SCHEMA public TO ${role};
      REVOKE ALL ON audit_events FROM ${role};
      GRANT SELECT, INSERT, UPDATE, DELETE ON orgs, api_keys, policies, idempotency_keys TO ${role};
      GRANT SELECT, INSERT ON audit_events TO ${role};
      GRANT SELECT ON schema_migrations TO ${role};
      GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${role};
    `);
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}

/**
 * PostgreSQL: the application role's login password, derived from the owner's (in the URL, or
 * PGPASSWORD) so that every registry process of that owner derives the same one, and nobody without
 * the owner's password can; undefined when there is no password to derive it from.
 */
export function appRolePassword(databaseUrl: string, role: string, env = process.env): string | undefined {
  let secret: string | undefined;
  try {
    secret = decodeURIComponent(new URL(databaseUrl).password) || undefined;
  } catch {
    secret = undefined;
  }
  secret ??= env.PGPASSWORD || undefined;
  return secret && createHmac('sha256', secret).update(`policylens application role ${role}`).digest('hex');
}

/**
 * Lets the application role log in with `password`. Its connections then start as that role, so
 * `RESET ROLE` / `SET ROLE NONE` lead back to it and nowhere else: it is no member of the owner's
 * role (checked), and it owns nothing.
 */
export async function enableAppLogin(db: Queryable, role: string, password: string): Promise<void> {
  if (!IDENT.test(role)) throw new Error(`--app-role must be a lower-case SQL identifier, not "${role}"`);
  if (!/^[0-9a-f]{64}$/.test(password)) throw new Error('unexpected password form');
  const [m] = await db.query<{ member: boolean }>(
    `SELECT pg_has_role('${role}', current_user, 'MEMBER') AS member`,
  );
  if (m?.member)
    throw new Error(`role ${role} is a member of the login user's role, so it could switch to it`);
  await db.exec(`ALTER ROLE ${role} WITH LOGIN PASSWORD '${password}'`);
}
