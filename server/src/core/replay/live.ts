/**
 * Policy sets read with the live org at hand. The org stores prerequisites as policy ids while
 * bundles name them, and the evaluator links a prerequisite by name: read as stored, every live
 * policy with a prerequisite was skipped by the chain ("a live policy id, not resolved offline"),
 * so a replay against the live org never ran it, and the org and a folder that `sync` calls in
 * sync replayed differently (a field test). Here each id of a live policy becomes that policy's
 * name, as `sync` compares them (core/plan); an id of no live policy is kept and marked, so the
 * evaluator reads it as a missing prerequisite.
 */
import { idKey } from '../chain/policy';
import type { PolicySource } from '../eval/types';
import type { LiveOrgPolicy } from '../plan/types';

/** The server's bookkeeping fields are no part of the policy the evaluator reads. */
export function livePolicyBody(p: LiveOrgPolicy): Record<string, unknown> {
  const { id: _id, version: _v, createdAt: _c, updatedAt: _u, organizationId: _o, ...policy } = p;
  return policy;
}

/** Maps a prerequisite reference to the name of the live policy whose id it is. */
export type LiveNames = (ref: string) => string | undefined;

/** The lookup of live ids (in any case, as sync compares them), built once per listing. */
export function liveNames(live: readonly LiveOrgPolicy[]): LiveNames {
  const byId = new Map(live.map((p) => [idKey(p.id), p.name]));
  return (ref) => byId.get(idKey(ref));
}

/**
 * `source` with its prerequisite ids replaced by the names of the live policies they stand for
 * (an Execlave source; others have no prerequisites), marked as resolved against the org. The
 * value is copied when it changes, never written to.
 */
export function resolvePrerequisites(source: PolicySource, names: LiveNames): PolicySource {
  if (source.dialect !== 'execlave') return source;
  const v = source.value;
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { ...source, liveIds: true };
  const pre = (v as Record<string, unknown>).prerequisites;
  if (!Array.isArray(pre)) return { ...source, liveIds: true };
  const named = pre.map((ref: unknown) => (typeof ref === 'string' ? (names(ref) ?? ref) : ref));
  return { ...source, value: { ...v, prerequisites: named }, liveIds: true };
}

/** The live org's policies as the evaluator reads them: bookkeeping dropped, prerequisites named. */
export function liveSources(live: readonly LiveOrgPolicy[], names = liveNames(live)): PolicySource[] {
  return live.map((p) =>
    resolvePrerequisites({ uri: `live:${p.name}`, dialect: 'execlave', value: livePolicyBody(p) }, names),
  );
}

/** What a sync leaves of the live org besides the bundles it writes (`liveKept`). */
export interface LiveKept {
  /** Live policies the sync leaves alone: no bundle declares them (and no `prune`), or duplicates. */
  kept: LiveOrgPolicy[];
  /** How many live policies `prune` deletes: those no bundle declares. */
  pruned: number;
}

/**
 * The live policies that stay in the org when bundles declaring `declared` are synced, as
 * `planSync` decides (core/plan/plan.ts): a live policy is matched by name, the first of a name only;
 * one no bundle declares is kept, unless `prune` deletes it; a later policy of a name the plan
 * compares no more is never touched. Replay's working tree side against the live org is the bundles
 * plus these: the org as `sync` leaves it (without them, a bundle whose prerequisite is a live-only
 * policy had it missing, and replay reported changes sync would not cause; a field test).
 */
export function liveKept(
  live: readonly LiveOrgPolicy[],
  declared: ReadonlySet<string>,
  prune: boolean,
): LiveKept {
  const first = new Map<string, LiveOrgPolicy>();
  for (const p of live) if (!first.has(p.name)) first.set(p.name, p);
  const kept: LiveOrgPolicy[] = [];
  let pruned = 0;
  for (const p of live) {
    if (first.get(p.name) !== p) kept.push(p);
    else if (declared.has(p.name)) continue;
    else if (prune) pruned++;
    else kept.push(p);
  }
  return { kept, pruned };
}
