/**
 * Each audit event's size: the bytes of its diff and snapshot as JSON text. Verify read the chain
 * 500 events at a time whatever their size, and PGlite answers a query in one piece on the server's
 * own thread: 500 events of megabytes were one query of a gigabyte that held every other request.
 * With the size stored, verify first reads the sizes of the next events (no diff or snapshot is read
 * for that) and then loads as many as fit its page. The size is not part of an event's hash: it
 * only decides how events are read, never whether they verify.
 *
 * Existing events are sized as PostgreSQL prints them (`jsonb::text`); appendEvent sizes new ones
 * as it writes them (JSON.stringify): the same text but for the space PostgreSQL prints after each
 * colon and comma. As in migration 003, the append-only trigger is switched off for
 * that one UPDATE, inside this migration's transaction, by the owner that created it.
 */
export const id = '005_audit_event_size';

export const sql = `
ALTER TABLE audit_events ADD COLUMN size bigint;
ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_rewrite;
UPDATE audit_events SET size = octet_length(snapshot::text) + coalesce(octet_length(diff::text), 0);
ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_rewrite;
`;
