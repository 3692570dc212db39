/**
 * The actor of the API key that made each write. An event's `actorId` is `cli-sync` when the
 * request says it comes from sync (the seed's history shows sync's writes so), and any key may
 * say that: a person's out-of-band PATCH that claimed `metadata.source: "cli-sync"` read like the
 * reviewed pipeline's. The key's actor, which no request can choose, is kept beside it and is part
 * of the event's hash from now on. Events written before have none (null), and their hashes, made
 * without it, verify unchanged: an event's content includes the field only when it has one.
 */
export const id = '006_audit_key_actor';

export const sql = `
ALTER TABLE audit_events ADD COLUMN key_actor_id text;
`;
