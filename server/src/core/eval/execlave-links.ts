import { idKey, looksLikeId } from '../chain/policy';
import { isObj } from './context';
import type { PolicySource } from './types';

/** A prerequisite as written, with the bundles it names (by index; none: `note` says why). */
export interface PrerequisiteLink {
  ref: string;
  targets: number[];
  note?: string;
  /** The name of the policy an id stands for (a raw export's own `id`): the trace says it. */
  name?: string;
}

/** Adds `i` to the list under `key`. */
function file(map: Map<string, number[]>, key: string, i: number): void {
  const list = map.get(key);
  if (list) list.push(i);
  else map.set(key, [i]);
}

/**
 * What each bundle's prerequisites name, as the chain reads them (core/chain/workspace.ts `resolve`):
 * a name names the bundles of that name; an id names the bundles that carry it as their own `id`.
 */
export function linkPrerequisites(
  bundles: readonly { name: string; prerequisites: readonly { ref: string }[] }[],
  sources: readonly PolicySource[],
  unresolvedIdHint?: string,
): PrerequisiteLink[][] {
  const offline = `a live policy id, not resolved offline${unresolvedIdHint ? ` (${unresolvedIdHint})` : ''}`;
  const byName = new Map<string, number[]>();
  bundles.forEach((b, i) => file(byName, b.name, i));
  // A raw export keeps each policy's server `id`: a prerequisite naming that id names that exact
  // policy, so it is resolved offline too. Not when the set was read against the live org, whose
  // ids decide (an id it does not hold is missing there, whatever a file says).
  const byId = new Map<string, number[]>();
  const ownKey = sources.map((s, i) => {
    const id = isObj(s.value) ? s.value.id : undefined;
    if (typeof id !== 'string' || !looksLikeId(id) || s.liveIds) return undefined;
    file(byId, idKey(id), i);
    return idKey(id);
  });
  // The names of the policies that carry each id, once per id: thousands of policies may name one.
  const namesById = new Map<string, string[]>();
  const namesOf = (key: string, own: readonly number[]): string[] => {
    let names = namesById.get(key);
    if (!names) namesById.set(key, (names = [...new Set(own.map((t) => bundles[t].name))]));
    return names;
  };
  return bundles.map((b, i) =>
    b.prerequisites.map(({ ref }): PrerequisiteLink => {
      if (ref === b.name) return { ref, targets: [], note: 'names itself' };
      const targets = byName.get(ref) ?? [];
      if (targets.length) return { ref, targets };
      if (!looksLikeId(ref)) return { ref, targets, note: 'missing' };
      const key = idKey(ref);
      const own = sources[i].liveIds ? undefined : byId.get(key);
      if (own && ownKey[i] === key) return { ref, targets: [], note: 'names itself' };
      // As the chain reads it (core/chain/ownIds.ts): the id is the name its bundles share, and
      // bundles of different names that carry one id leave it unresolved (which did it mean?).
      const names = own ? namesOf(key, own) : [];
      if (names.length === 1)
        return names[0] === b.name
          ? { ref, targets: [], note: 'names itself' }
          : { ref, targets: byName.get(names[0])!, name: names[0] };
      if (names.length > 1)
        return {
          ref,
          targets: [],
          note: `the "id" of ${own!.length} policies of different names, not resolved`,
        };
      return { ref, targets, note: sources[i].liveIds ? 'not a policy of the live org' : offline };
    }),
  );
}
