/**
 * The comparable form of a policy. A bundle and a live policy are "in sync" when these forms are equal:
 * only the writable fields count, an absent optional field equals its default, `metadata.source` (the
 * provenance stamp sync writes itself) is ignored, and the two id lists are compared as sets.
 */

/** The fields a bundle writes, in the order plans list their changes. */
export const WRITABLE_FIELDS = [
  'name',
  'policyType',
  'enforcementMode',
  'ruleDefinition',
  'metadata',
  'appliesToAgents',
  'isActive',
  'prerequisites',
  'evaluationOrder',
  'chainTrigger',
] as const;

/** What the API stores for an omitted optional field (the bundle schema's defaults). */
export const FIELD_DEFAULTS: Readonly<Record<string, unknown>> = {
  metadata: {},
  appliesToAgents: [],
  isActive: true,
  prerequisites: [],
  evaluationOrder: 100,
  chainTrigger: 'all_passed',
};

/** The provenance stamp of `sync --apply` (execlave-policy-as-code.txt §04). */
export const SYNC_SOURCE = 'cli-sync';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A fresh copy of a default, so no caller shares (and could change) the constant. */
function freshDefault(field: string): unknown {
  const v = FIELD_DEFAULTS[field];
  return Array.isArray(v) ? [] : isObject(v) ? {} : v;
}

/**
 * The writable fields of `value` with defaults filled in. `$schema`, server-owned fields (`id`,
 * `version`, timestamps) and anything else a server adds are dropped. `null` counts as absent, as the
 * API's PATCH treats it. Nested values are shared with `value`, not copied: plans only read them.
 */
export function withDefaults(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of WRITABLE_FIELDS) {
    const v = value[f];
    if (v !== undefined && v !== null) out[f] = v;
    else if (f in FIELD_DEFAULTS) out[f] = freshDefault(f);
  }
  return out;
}

/** Sorted, without duplicates: the order of agents or prerequisites carries no meaning. */
function asSet(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  const strings = v.filter((x): x is string => typeof x === 'string');
  if (strings.length !== v.length) return v;
  return [...new Set(strings)].sort();
}

/**
 * The form two policies are compared in. `prerequisite` maps each prerequisite reference (a name or
 * an id) to the policy name it stands for, so a bundle naming "pii-guard" equals a live policy holding
 * pii-guard's id.
 */
export function comparable(
  value: Record<string, unknown>,
  prerequisite: (ref: string) => string,
): Record<string, unknown> {
  const out = withDefaults(value);
  delete out.name;
  if (isObject(out.metadata)) {
    const meta = { ...out.metadata };
    delete meta.source;
    out.metadata = meta;
  }
  if (Array.isArray(out.prerequisites))
    out.prerequisites = out.prerequisites.map((p) => (typeof p === 'string' ? prerequisite(p) : p));
  out.prerequisites = asSet(out.prerequisites);
  out.appliesToAgents = asSet(out.appliesToAgents);
  return out;
}
