/**
 * Each create with an Idempotency-Key first deletes its org's expired keys by `created_at`, which
 * no index covered: a scan of every key the org kept for a day (3.8 → 6.1 ms per create over 8,000
 * keys, and growing with them).
 */
export const id = '004_idempotency_created_index';

export const sql = `
CREATE INDEX idempotency_keys_org_created ON idempotency_keys (org_id, created_at);
`;
