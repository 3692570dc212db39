/**
 * The org as `sync` leaves it, as the evaluator reads it: the set `replay` runs as the working tree
 * against the live org, and `eval --live` / `test --live` evaluate (one code for both: they
 * decided differently when `eval` kept the set to the files; a field test).
 */
import type { PolicySource } from '../eval/types';
import type { DesiredBundle, LiveOrgPolicy } from '../plan/types';
import { liveKept, liveNames, liveSources, resolvePrerequisites } from './live';

/** The Execlave bundles among `sources`, as the sync plan reads them (name, file, value). */
export function desiredBundles(sources: readonly PolicySource[]): DesiredBundle[] {
  return sources.flatMap((s) => {
    const v = s.value as Record<string, unknown> | null;
    return s.dialect === 'execlave' && v && typeof v === 'object' && typeof v.name === 'string'
      ? [{ name: v.name, file: s.uri, value: v }]
      : [];
  });
}

/**
 * The org as `sync` leaves it when the files' `sources` are synced: the files' policies with their
 * prerequisite ids named, then the live policies no file declares (`liveKept`), as the evaluator
 * reads them. Replay's working tree against live and `eval --live` / `test --live` are this set.
 */
export function syncedOrg(sources: readonly PolicySource[], live: readonly LiveOrgPolicy[], prune = false) {
  const names = liveNames(live);
  const files = sources.map((s) => resolvePrerequisites(s, names));
  const { kept, pruned } = liveKept(live, new Set(desiredBundles(files).map((b) => b.name)), prune);
  return { names, files, kept, pruned, sources: [...files, ...liveSources(kept, names)] };
}
