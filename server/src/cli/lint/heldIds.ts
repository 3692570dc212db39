/**
 * `lint --fix` of some of a project's files (a pre-commit hook names the staged files only, as
 * lint-staged and pre-commit call linters) must not remove a bundle's own `id` while a bundle it does
 * not lint still names that bundle by the id: a raw export's prerequisites are the server's ids, the
 * `id` is their only link to the bundle, and the other file would be left naming another org's UUID.
 * Among the files it lints, `lint --fix` writes the name in place of the id in the same pass
 * (`chain/exported-id`); the others are only read, and only when a fix would remove an `id`
 * (lint/projectFiles.ts says which files they are). The finding on such an `id` then says that
 * `lint --fix` keeps it, and why (`keptIdFinding`), in the report of `lint` as of `lint --fix`.
 */
import { chainPolicyFromText, idKey, keptIdFinding, listed, removesId, type Finding } from '../../core/index';
import { fromCwd } from '../files';
import type { Fixable } from './fix';
import { policyHolding, textOf, type ProjectFiles } from './projectFiles';

/** A linted bundle whose `id` stays, and the files of the project that name it by that id. */
export interface HeldId {
  path: string;
  id: string;
  /** As shown, from the current directory. */
  namedBy: string[];
  /** Why the project could not be read (then every `id` of its bundles stays: nothing is known). */
  unread?: string;
}

/** Whether lint --fix would remove the file's `id`. */
const removesOwnId = (findings: readonly Finding[]) =>
  findings.some((f) => removesId(f) && f.fixes?.some((x) => x.safe && x.isPreferred));

/**
 * The linted bundles whose `id` removal is held: each `id` a bundle of the project outside `linted`
 * names by it. `project` holds the run's projects (--config, --no-ignore).
 */
export function heldIds(linted: readonly Fixable[], project: ProjectFiles): HeldId[] {
  const candidates = linted.filter((f) => !f.readError && removesOwnId(f.findings));
  if (!candidates.length) return [];
  const carriers: { path: string; id: string; key: string; root: string }[] = [];
  for (const f of candidates) {
    const root = project.rootOf(f.path);
    const others = project.others(root);
    if ('files' in others && !others.files.length) continue;
    const id = ownId(f.path);
    if (id !== undefined) carriers.push({ path: f.path, id, key: idKey(id), root });
  }
  const namedBy = new Map<string, string[]>();
  for (const root of new Set(carriers.map((c) => c.root))) {
    const others = project.others(root);
    if (!('files' in others)) continue;
    const keys = new Set(carriers.filter((c) => c.root === root).map((c) => c.key));
    for (const path of others.files)
      for (const key of namesByIds(path, keys))
        namedBy.set(key, [...(namedBy.get(key) ?? []), fromCwd(path)]);
  }
  return carriers.flatMap((c) => {
    const others = project.others(c.root);
    if (!('files' in others)) return [{ path: c.path, id: c.id, namedBy: [], unread: others.unread }];
    const by = namedBy.get(c.key);
    return by ? [{ path: c.path, id: c.id, namedBy: by }] : [];
  });
}

/** Why a held `id` stays, as stderr and the finding on it say. */
export function heldIdReason(h: HeldId): string {
  if (h.unread !== undefined)
    return `the project's other bundles could not be read to see whether one names it (${h.unread})`;
  const who = listed(h.namedBy, (x) => x, 3);
  const one = h.namedBy.length === 1;
  return `${who} ${one ? 'names' : 'name'} this bundle by that id in prerequisites; lint --fix ${one ? 'it' : 'them'} with this file (or the folder) to write the bundle's name there, and the id goes`;
}

/** What stderr says of a held `id`. */
export function heldIdMessage(h: HeldId): string {
  return `kept "id" in ${fromCwd(h.path)}: ${heldIdReason(h)}`;
}

/**
 * The findings of a held bundle as its report shows them: the finding on its `id` says that
 * `lint --fix` keeps it and why, and its fix is no longer one that `lint --fix` applies.
 */
export function withHeldId(h: HeldId, findings: Finding[]): Finding[] {
  const caveat =
    h.unread !== undefined
      ? 'whether another bundle names this one by it is not known'
      : `${h.namedBy.length === 1 ? h.namedBy[0] : `${h.namedBy.length} bundles`} still ${h.namedBy.length === 1 ? 'names' : 'name'} this one by it`;
  return findings.map((f) => (removesId(f) ? keptIdFinding(f, heldIdReason(h), caveat) : f));
}

/** The bundle's own `id` as the chain reads it (a server id), or undefined. */
function ownId(path: string): string | undefined {
  const text = textOf(path);
  try {
    return text === undefined ? undefined : chainPolicyFromText(path, text)?.id;
  } catch {
    return undefined;
  }
}
/**
 * Which of the ids (in lower case) the file's prerequisites name. A bundle naming its own id names
 * itself, not the linted one (a copy carrying the same id).
 */
function namesByIds(path: string, keys: ReadonlySet<string>): string[] {
  const policy = policyHolding(path, keys);
  if (!policy) return [];
  const own = policy.id === undefined ? undefined : idKey(policy.id);
  const named = policy.prerequisites.map((p) => idKey(p.ref)).filter((k) => keys.has(k) && k !== own);
  return [...new Set(named)];
}
