import type { Finding, RelatedInfo } from '../findings';
import type { FixSpec } from '../problem';
import { ownIdKey, type IdCarriers } from './ownIds';
import { link, MAX_RELATED, place } from './place';
import { idKey, looksLikeId, type ChainPolicy } from './policy';
import { listed } from '../text';
import type { ChainIndex, Resolution } from './workspace';

/** How many bundles a message names before it counts the rest. */
const MAX_NAMED = 3;

/** A file as a message names it: its last path segment (the related information links the file). */
function fileLabel(uri: string): string {
  const last = uri.slice(Math.max(uri.lastIndexOf('/'), uri.lastIndexOf('\\')) + 1);
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** True when `idFinding` has nothing to say of the entry (`isQuiet`'s part for ids). */
export function isQuietId(policy: ChainPolicy, ref: string, r: Resolution): boolean {
  if (r.status === 'self') return ref === policy.name;
  return !((r.status === 'workspace' || r.status === 'unresolved') && r.carriers);
}

/** Related information on the first carriers of an id. */
function carrierLinks(carriers: IdCarriers, ref: string): RelatedInfo[] {
  return carriers.carriers.slice(0, MAX_RELATED).map((c) => link(c, `its "id" is "${c.id ?? ref}"`));
}

/**
 * The finding of a prerequisite entry written as an id that the workspace's files resolve: the id a
 * bundle carries as its own `id` (`chain/exported-id`, whose safe fix writes the bundle's name), or
 * an id that names the policy itself (`chain/self-reference`: by name, `analyze` reports it). What
 * it says of the carriers is bounded: thousands of bundles may carry one id that thousands name.
 */
export function idFinding(
  index: ChainIndex,
  policy: ChainPolicy,
  ref: string,
  i: number,
  r: Resolution,
): Finding | undefined {
  const path = ['prerequisites', i];
  if (r.status === 'self') return ref === policy.name ? undefined : selfById(index, policy, ref, i);
  if (r.status === 'workspace' && r.carriers) {
    const f = place(
      policy,
      path,
      'chain/exported-id',
      'warning',
      `prerequisite "${ref}" is the server id of "${r.name}" (the "id" in ${listed(r.carriers.uris, fileLabel, MAX_NAMED)}): name the bundle, "${r.name}", so that this bundle syncs to any org`,
      [
        {
          kind: 'replaceValue',
          value: r.name,
          title: `Change to "${r.name}" (the bundle whose "id" it is)`,
          preferred: true,
          // The name resolves to the bundle the id resolves to: the chain is the same after the fix.
          safe: true,
        },
      ],
    );
    if (f) f.related = carrierLinks(r.carriers, ref);
    return f;
  }
  if (r.status === 'unresolved' && r.carriers) {
    const { carriers, names } = r.carriers;
    const who = (c: ChainPolicy) =>
      c.name === undefined ? `an unnamed bundle (${fileLabel(c.uri)})` : `"${c.name}" (${fileLabel(c.uri)})`;
    // Which of them the entry meant is not in the files: each name is offered, none preferred.
    const fixes: FixSpec[] = names
      .slice(0, MAX_NAMED)
      .map((n) => ({ kind: 'replaceValue', value: n, title: `Change to "${n}"` }));
    const f = place(
      policy,
      path,
      'chain/exported-id',
      'warning',
      `prerequisite "${ref}" is the "id" of ${carriers.length} bundles, ${listed(carriers, who, MAX_NAMED)}: they cannot all be the server's policy of that id, so the prerequisite is not followed; write the name of the bundle it means`,
      fixes,
    );
    if (f) f.related = carrierLinks(r.carriers, ref);
    return f;
  }
  return undefined;
}

/** A prerequisite that is the policy's own id (its `id`, a copy's of the same name, or the live org's). */
function selfById(index: ChainIndex, policy: ChainPolicy, ref: string, i: number): Finding | undefined {
  const own = ownIdKey(policy) === idKey(ref);
  const what = own
    ? `this bundle's own "id"`
    : index.liveId(ref)
      ? 'the live id of this policy'
      : `the "id" of another bundle named "${policy.name ?? ''}"`;
  return place(
    policy,
    ['prerequisites', i],
    'chain/self-reference',
    'error',
    `prerequisites[${i}]: "${ref}" is ${what}: it names this policy itself`,
    [{ kind: 'removeItem', title: 'Remove the self-reference', preferred: true }],
  );
}

/** For each index, the bundles whose own `id` a prerequisite resolves through, once per version. */
const namedCache = new WeakMap<ChainIndex, { version: number; uris: Set<string> }>();

/** Whether a prerequisite of another bundle resolves through the own `id` of the bundle at `uri`. */
export function namedByItsId(index: ChainIndex, uri: string): boolean {
  let cached = namedCache.get(index);
  if (cached?.version !== index.version) {
    const uris = new Set<string>();
    // Each id's carriers once: the entries naming an id share its facts (ownIds.ts).
    const seen = new Set<IdCarriers>();
    for (const p of index.all())
      for (const r of index.resolutions(p))
        if ((r.status === 'workspace' || r.status === 'unresolved') && r.carriers && !seen.has(r.carriers)) {
          seen.add(r.carriers);
          for (const uri of r.carriers.uris) uris.add(uri);
        }
    namedCache.set(index, (cached = { version: index.version, uris }));
  }
  return cached.uris.has(uri);
}

/**
 * The findings whose fixes a one-file fix-all (the editor's) may apply: all of them, except the
 * removal of the bundle's own `id` while another bundle's prerequisite is still that id. The editor
 * fixes one file at a time, and a bundle fixed first would take with its `id` the only link from the
 * others' ids to it (they would be left naming another org's UUID). Once they name the bundle, the
 * `id` goes with the next fix-all. `lint --fix` fixes the files it lints in one pass, and holds the
 * `id` only for a bundle of the project it does not lint (cli/lint/heldIds.ts).
 */
export function fixAllFindings(
  index: ChainIndex,
  uri: string,
  findings: readonly Finding[],
): readonly Finding[] {
  if (!namedByItsId(index, uri)) return findings;
  return withoutIdRemoval(findings);
}

/** The findings without the one whose fix removes the bundle's own `id` (the server key). */
export function withoutIdRemoval(findings: readonly Finding[]): readonly Finding[] {
  return findings.filter((f) => !removesId(f));
}

/** Whether a finding is the server key `id`, which its fix removes. */
export function removesId(f: Finding): boolean {
  return f.code === 'schema/unknown-key' && f.path === 'id';
}

/**
 * The finding on a bundle's own `id` when `lint --fix` keeps it (`why`: another bundle it does not
 * lint names this one by that id, cli/lint/heldIds.ts): the message says so instead of promising the
 * removal, and the removal stays on offer to a person, neither preferred nor safe, its title saying
 * what it leaves behind (`caveat`).
 */
export function keptIdFinding(f: Finding, why: string, caveat: string): Finding {
  const key = f.path ?? 'id';
  return {
    ...f,
    message: `unknown key "${key}": the API adds it to the policies it returns (an exported live policy?); a bundle declares only the fields it writes, but lint --fix keeps this one: ${why}`,
    ...(f.fixes
      ? {
          fixes: f.fixes.map((x) => ({
            ...x,
            title: `${x.title}, though ${caveat}`,
            isPreferred: false,
            safe: false,
          })),
        }
      : {}),
  };
}

/**
 * The chain's findings on each prerequisite of `policy` written as an id, as `idFinding` gives them
 * in `index` (undefined where it has none): for `lint --fix` of some files, whose index holds the
 * linted file and the bundles of the project that hold its ids (cli/lint/idPrerequisites.ts), so
 * that an id resolves as in the whole project.
 */
export function idEntryFindings(
  index: ChainIndex,
  policy: ChainPolicy,
): { index: number; finding: Finding | undefined }[] {
  const resolved = index.resolutions(policy);
  return policy.prerequisites.flatMap(({ ref, index: i }, k) =>
    looksLikeId(ref) ? [{ index: i, finding: idFinding(index, policy, ref, i, resolved[k]) }] : [],
  );
}
