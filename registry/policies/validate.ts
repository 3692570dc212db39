/**
 * Request bodies are checked by the engine that lint runs (`validateValue` from core), so a bundle
 * that passes `policylens lint` is never rejected here on schema grounds, and the messages match.
 * The API's own rules (read-only fields, prerequisites as ids of the org) come on top, in store.ts.
 */
import { validateValue } from '../../server/src/core/index';
import { ApiError } from '../http';

/** At most this many fields are listed in a 400 (the message counts every problem). */
export const MAX_FIELDS = 100;

/** Throws a 400 with one entry per offending field when the value has error-severity problems. */
export function assertValidPolicy(value: unknown): void {
  const errors = validateValue(value, 'execlave').filter((p) => p.severity === 'error');
  if (errors.length === 0) return;
  const fields: Record<string, string> = {};
  let keys = 0;
  for (const p of errors) {
    // The key of `fields` is the problem's path, or at the root the missing property's name.
    const key = p.path || p.missing || 'body';
    if (!(key in fields)) {
      // 100,000 unknown keys in a body made a 3.1 MB answer; the message counts them all.
      if (keys === MAX_FIELDS) continue;
      keys++;
    }
    fields[key] = fields[key] ? `${fields[key]}; ${p.detail}` : p.detail;
  }
  const first = errors[0]!.message;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  throw new ApiError('VALIDATION_ERROR', `Policy failed validation: ${first}${more}`, fields);
}

/** The body must be a JSON object; anything else is a 400 before validation. */
export function asObject(body: unknown): Record<string, unknown> {
  if (body === undefined) throw new ApiError('INVALID_JSON', 'Request body is empty: expected a JSON object');
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    const kind = body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body;
    throw new ApiError('INVALID_JSON', `Request body must be a JSON object, not ${kind}`);
  }
  return body as Record<string, unknown>;
}
