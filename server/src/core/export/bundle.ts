/**
 * A live policy as the bundle that would declare it: what `policylens export` writes. The bundle is
 * sync's compared form written out (plan/normalize.ts): the writable fields and nothing a server
 * adds, `metadata.source` dropped (sync stamps it), prerequisites as the names of the policies their
 * ids designate, the two id lists as sorted sets. A field equal to its default is left out, as a
 * person would write the bundle, since sync fills the default in on both sides.
 */
import { idKey } from '../chain/policy';
import { sameJson } from '../plan/hash';
import { FIELD_DEFAULTS, withDefaults, WRITABLE_FIELDS } from '../plan/normalize';
import type { LiveOrgPolicy } from '../plan/types';

export interface ExportedBundle {
  name: string;
  liveId: string;
  /** The bundle, its keys in a fixed order: the fields as sync lists them, nested keys sorted. */
  value: Record<string, unknown>;
  /** Prerequisites that designate no policy of the org: kept as written. */
  unknownPrerequisites: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value with every object's keys sorted (code unit order), so that the text never depends on the server. */
export function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  // Defined, not assigned: a `__proto__` key of the live JSON is a key like any other.
  for (const k of Object.keys(value).sort())
    Object.defineProperty(out, k, {
      value: sortedKeys(value[k]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

/**
 * The policy name a prerequisite reference designates in the org, as sync resolves it: an id (in any
 * case) of a live policy, or the name of one; undefined for neither.
 */
export function prerequisiteResolver(live: readonly LiveOrgPolicy[]): (ref: string) => string | undefined {
  const byId = new Map<string, string>();
  const names = new Set<string>();
  for (const p of live) {
    if (!byId.has(idKey(p.id))) byId.set(idKey(p.id), p.name);
    names.add(p.name);
  }
  return (ref) => byId.get(idKey(ref)) ?? (names.has(ref) ? ref : undefined);
}

/** Sorted, without duplicates, when every item is a string (as sync compares the list). */
function asSet(v: unknown): unknown {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return v;
  return [...new Set(v as string[])].sort();
}

export function bundleOf(
  policy: LiveOrgPolicy,
  resolve: (ref: string) => string | undefined,
): ExportedBundle {
  const full = withDefaults(policy);
  const unknownPrerequisites: string[] = [];
  if (isObject(full.metadata)) {
    const { source: _source, ...rest } = full.metadata;
    full.metadata = rest;
  }
  if (Array.isArray(full.prerequisites))
    full.prerequisites = full.prerequisites.map((ref: unknown) => {
      if (typeof ref !== 'string') return ref;
      const name = resolve(ref);
      if (name === undefined) unknownPrerequisites.push(ref);
      return name ?? ref;
    });
  full.prerequisites = asSet(full.prerequisites);
  full.appliesToAgents = asSet(full.appliesToAgents);
  const value: Record<string, unknown> = {};
  for (const f of WRITABLE_FIELDS) {
    if (!(f in full)) continue;
    if (f in FIELD_DEFAULTS && sameJson(full[f], FIELD_DEFAULTS[f])) continue;
    value[f] = f === 'name' ? full[f] : sortedKeys(full[f]);
  }
  return { name: policy.name, liveId: policy.id, value, unknownPrerequisites };
}
