/**
 * Canonical JSON: object keys sorted, no whitespace. Hashes over it do not depend on the order in
 * which a client, the driver or JSONB happened to list keys.
 */
import { createHash } from 'node:crypto';

// One canonical form for the registry's audit hashes and the sync plan's fingerprint.
export { canonicalJson, sameJson } from '../server/src/core/index';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
