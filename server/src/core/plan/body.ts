/**
 * The request body a create or an update writes: the bundle with defaults filled in, the provenance
 * stamp, and each prerequisite reference turned into a live id. The plan measures it against the
 * API's limits (limits.ts), lint measures it with every id as long as a UUID, and apply sends it.
 */
import { SYNC_SOURCE, withDefaults } from './normalize';
import type { PlanStep } from './types';

/** The string entries of a bundle's `prerequisites` (names or live ids). */
export function prerequisiteRefs(value: Record<string, unknown>): string[] {
  const p = value.prerequisites;
  return Array.isArray(p) ? p.filter((x): x is string => typeof x === 'string') : [];
}

/** The body a step writes: provenance stamped, prerequisite names turned into live ids. */
export function bodyToWrite(
  step: Pick<PlanStep, 'body'>,
  idOf: (ref: string) => string,
): Record<string, unknown> {
  const body = { ...(step.body ?? {}) };
  const meta = body.metadata;
  body.metadata = {
    ...(typeof meta === 'object' && meta !== null && !Array.isArray(meta) ? meta : {}),
    source: SYNC_SOURCE,
  };
  if (Array.isArray(body.prerequisites)) body.prerequisites = prerequisiteRefs(body).map(idOf);
  return body;
}

/**
 * An id as long as the ones Execlave and policylens serve give (a UUID): it stands for the id of a
 * policy that does not exist yet (a create earlier in the plan), or in lint for every prerequisite.
 */
export const PLACEHOLDER_ID = '00000000-0000-0000-0000-000000000000';

/** The body sync would send for a bundle, as lint can know it from the file alone. */
export function bodyOfBundle(value: Record<string, unknown>): Record<string, unknown> {
  return bodyToWrite({ body: withDefaults(value) }, () => PLACEHOLDER_ID);
}
