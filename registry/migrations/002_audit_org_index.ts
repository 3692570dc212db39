/**
 * Every write reads its org's latest event (the chain's previous hash) and verify walks an org's
 * events in order: both are range scans on (org_id, seq), which the primary key alone does not give.
 */
export const id = '002_audit_org_index';

export const sql = `
CREATE INDEX audit_events_org_seq ON audit_events (org_id, seq);
`;
