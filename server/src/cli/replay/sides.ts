import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import {
  LiveOrgError,
  liveSources,
  loadPolicy,
  planSync,
  printable,
  prunedPrerequisiteProblem,
  recognize,
  syncedOrg,
  desiredBundles,
  type LiveOrgPolicy,
  type PolicySource,
} from '../../core/index';
import { HttpLiveOrg, requestOptionsFromEnv, resolveLiveConfig } from '../../live/index';
import { loadPolicies, noPolicyUnder } from '../eval/load';
import { POLICY_EXTENSIONS, POLICY_TEST_FILE, InputError } from '../files';
import type { Project } from '../project';

/** One side of a replay: its policies as sources (plain data: they are posted to worker threads). */
export interface Side {
  label: string;
  sources: PolicySource[];
  warnings: string[];
}

/**
 * The working tree: the policy files under the paths, read as `eval` reads them. A side of paths
 * with no policy file is a usage error (`option` names it in the message): replayed against
 * nothing, every event is allowed, and the difference would be that of a wrong path.
 */
export function workingTree(paths: readonly string[], exclude: ReadonlySet<string>, option: string): Side {
  const loaded = loadPolicies(paths, exclude);
  if (!loaded.sources.length) throw new InputError(`${option}: ${noPolicyUnder(paths)}`);
  return { label: paths.join(', '), sources: loaded.sources, warnings: loaded.warnings };
}

/**
 * The same paths at a git revision, read with `git ls-tree` and `git show` (nothing is checked
 * out). A path outside a repository, or a revision git does not know, is a usage error.
 */
export function atGitRef(paths: readonly string[], ref: string): Side {
  const sources: PolicySource[] = [];
  const warnings: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    const dir = existsSync(abs) && statSync(abs).isDirectory() ? abs : dirname(abs);
    const git = (args: string[], cwd: string) => {
      try {
        return execFileSync('git', args, {
          cwd,
          encoding: 'utf8',
          maxBuffer: 1 << 28,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (e) {
        const err = (e as { stderr?: string }).stderr?.trim() || (e as Error).message;
        throw new InputError(`git:${ref}: ${err.split('\n')[0]}`);
      }
    };
    const top = git(['rev-parse', '--show-toplevel'], dir).trim();
    const rel = relative(top, abs).split('\\').join('/') || '.';
    try {
      execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
        cwd: top,
        stdio: 'ignore',
      });
    } catch {
      // --quiet prints nothing: say what is wrong instead of the command line that failed.
      throw new InputError(`git:${ref}: no commit "${ref}" in the repository ${top}`);
    }
    const files = git(['ls-tree', '-r', '-z', '--name-only', ref, '--', rel], top)
      .split('\0')
      .filter((f) => f && POLICY_EXTENSIONS.test(f) && !POLICY_TEST_FILE.test(f));
    for (const f of files) {
      const text = git(['show', `${ref}:${f}`], top);
      const display = `${ref}:${f}`;
      const loaded = loadPolicy(display, text);
      if (!loaded.source) {
        if (loaded.notAPolicy) continue;
        throw new InputError(`${display} does not parse (${loaded.unusable})`);
      }
      if (!recognize(loaded.source.value, text, f)) continue;
      if (loaded.errors.length) warnings.push(`${display} has lint errors; it is evaluated as written`);
      sources.push(loaded.source);
    }
  }
  return { label: `git:${ref}`, sources, warnings };
}

/**
 * The live org's policies (Execlave's API, through the client `sync` uses), and the working tree
 * read against them. The live org holds Execlave policies only, so the working tree's Preloop and
 * Agent Sentinel policies stand on both sides: a replay against live shows what the Execlave
 * change does. Prerequisites are named on both sides as `sync` names them (a live id becomes its
 * policy's name), so a working tree in sync with the org replays as the org does.
 *
 * The working tree's side is the org as `sync` leaves it: its bundles, and the live policies that
 * no bundle declares, which `sync` keeps (`prune`: `sync --prune`, which deletes them). Without
 * them, a bundle whose prerequisite is a live-only policy had it missing, its chained policy was
 * skipped, and the replay reported changes that sync would not cause (a field test).
 */
export async function liveOrg(
  project: Project,
  url: string | undefined,
  current: Side,
  prune = false,
): Promise<{ baseline: Side; current: Side; refused: boolean }> {
  let org: HttpLiveOrg;
  try {
    org = new HttpLiveOrg(
      resolveLiveConfig({ url, configUrl: project.config.config.live?.url }, process.env),
      requestOptionsFromEnv(process.env),
    );
    const live = await org.listPolicies();
    const { names, files: sources, kept, pruned, sources: synced } = syncedOrg(current.sources, live, prune);
    const refusals = prune ? prunedChains(current.sources, live) : [];
    return {
      refused: refusals.length > 0,
      baseline: {
        label: `live (${org.label})`,
        sources: [...liveSources(live, names), ...sources.filter((s) => s.dialect !== 'execlave')],
        warnings: [],
      },
      current: {
        ...current,
        label: current.label + liveOnlyNote(kept.length, pruned, prune),
        warnings: [...current.warnings, ...refusals],
        sources: synced,
      },
    };
  } catch (e) {
    if (e instanceof LiveOrgError) throw new LiveError(printable(e.message));
    throw e;
  }
}

/**
 * What `sync --prune` refuses in this plan: a bundle naming a prerequisite the prune deletes (the
 * plan's own check, `planSync`). The replay still runs, the chain skipped, so the warning says that
 * this org is one sync would never produce.
 */
function prunedChains(sources: readonly PolicySource[], live: readonly LiveOrgPolicy[]): string[] {
  return planSync(desiredBundles(sources), live, { prune: true }).prunedPrerequisites.map(
    (p) =>
      `"${p.bundle}": ${prunedPrerequisiteProblem(p.prerequisite)}. sync --prune would refuse this plan; ` +
      `this replay shows "${p.bundle}" with its chain broken (exit 1)`,
  );
}

/** What the working tree's label says of the live-only policies: kept, or left out by `--prune`. */
function liveOnlyNote(kept: number, pruned: number, prune: boolean): string {
  const policies = (n: number) => `${n.toLocaleString('en')} live ${n === 1 ? 'policy' : 'policies'}`;
  if (prune && pruned) return `, ${policies(pruned)} no bundle declares left out (--prune)`;
  if (kept) return ` + ${policies(kept)} no bundle declares`;
  return '';
}

/** A live-org failure: exit 1 with its message (not a usage error). */
export class LiveError extends Error {}
