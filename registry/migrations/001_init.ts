/**
 * The registry's tables. Plain PostgreSQL that PGlite runs unchanged.
 *
 * The audit table is append-only by construction: row triggers refuse UPDATE and DELETE, a
 * statement trigger refuses TRUNCATE, and all of them are enabled with ENABLE ALWAYS so that they
 * fire even when a session sets `session_replication_role = replica` (the usual way to silence
 * ordinary triggers). Only a table owner or superuser who deliberately disables them can rewrite
 * history, and the hash chain makes that visible to `GET /api/v1/audit/verify`.
 */
export const id = '001_init';

export const sql = `
CREATE TABLE orgs (
  id uuid PRIMARY KEY,
  name text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  key_hash text NOT NULL UNIQUE,
  key_prefix text NOT NULL,
  actor_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE policies (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  name text NOT NULL,
  policy_type text NOT NULL,
  enforcement_mode text NOT NULL,
  rule_definition jsonb NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  applies_to_agents jsonb NOT NULL DEFAULT '[]',
  is_active boolean NOT NULL DEFAULT true,
  prerequisites jsonb NOT NULL DEFAULT '[]',
  evaluation_order integer NOT NULL DEFAULT 100,
  chain_trigger text NOT NULL DEFAULT 'all_passed',
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (org_id, name)
);
CREATE INDEX policies_org_created ON policies (org_id, created_at, id);

CREATE TABLE idempotency_keys (
  org_id uuid NOT NULL REFERENCES orgs (id),
  key text NOT NULL,
  request_hash text NOT NULL,
  status integer NOT NULL,
  body jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, key)
);

CREATE TABLE audit_events (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  policy_id uuid NOT NULL,
  event_type text NOT NULL CHECK (event_type IN ('policy.created', 'policy.updated', 'policy.deleted')),
  actor_id text NOT NULL,
  changed_at timestamptz NOT NULL,
  version integer NOT NULL,
  diff jsonb,
  snapshot jsonb NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  -- Two events claiming the same predecessor would fork the chain.
  UNIQUE (org_id, prev_hash)
);
CREATE INDEX audit_events_policy ON audit_events (org_id, policy_id, seq);

CREATE FUNCTION audit_events_refuse() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$fn$;

CREATE TRIGGER audit_events_no_rewrite BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse();
ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_rewrite;
ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_truncate;
`;
