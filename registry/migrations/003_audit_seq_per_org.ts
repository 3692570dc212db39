/**
 * Audit events numbered per org. The identity column was one counter for the whole database, so an
 * org reading its own history could tell how many events every other org wrote in between. The
 * counter is kept under another name (`event_id`, internal: it orders nothing an org can see) and
 * `seq` becomes the event's number in its org's chain: 1, 2, 3… with no gaps.
 *
 * Existing events are numbered in their old order. `seq` is not part of an event's hash, so every
 * existing chain verifies exactly as before. The append-only trigger is switched off for that one
 * UPDATE, inside this migration's transaction, by the owner that created it.
 */
export const id = '003_audit_seq_per_org';

export const sql = `
ALTER TABLE audit_events RENAME COLUMN seq TO event_id;
ALTER TABLE audit_events ADD COLUMN seq bigint;
ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_rewrite;
UPDATE audit_events a SET seq = n.rn
  FROM (SELECT event_id, row_number() OVER (PARTITION BY org_id ORDER BY event_id) AS rn FROM audit_events) n
  WHERE a.event_id = n.event_id;
ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_rewrite;
ALTER TABLE audit_events ALTER COLUMN seq SET NOT NULL;
-- The renamed column took the old indexes with it; the chain's order is now (org_id, seq).
DROP INDEX audit_events_org_seq;
DROP INDEX audit_events_policy;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_org_seq_key UNIQUE (org_id, seq);
CREATE INDEX audit_events_policy ON audit_events (org_id, policy_id, seq);
`;
