import { relative, resolve } from 'node:path';
import {
  compilePolicies,
  loadPolicy,
  recognize,
  syncedOrg,
  type CompiledPolicies,
  type LiveOrgPolicy,
  type PolicySource,
} from '../../core/index';
import { collectPolicyFiles, POLICY_TEST_FILE, readWholeText, InputError } from '../files';

/** Test files are not policies: `*.policytest.yaml`, `.yml`, `.json`. */
export const POLICY_TEST = POLICY_TEST_FILE;

export interface LoadedPolicies {
  compiled: CompiledPolicies;
  sources: PolicySource[];
  /** Lint errors in files that are still evaluated as written, one line each. */
  warnings: string[];
  /** With `live`: the names of the live policies no file declares, evaluated with the files. */
  liveAdded?: string[];
}

/** How the prerequisites of the policies loaded are read. */
export interface LoadOptions {
  /** The live org's policies (`--live`): the set is the org as `sync` leaves it (`syncedOrg`). */
  live?: readonly LiveOrgPolicy[];
  /** Without `live`: what the trace says of an id left unresolved (the option that resolves it). */
  offlineHint?: string;
}

/**
 * Reads every policy file under the paths for evaluation, parsed and detected as lint does. Files
 * that are not policies (test files, the event file, a package.json) are left out. A file that
 * does not parse is a usage error: a decision that silently lost a policy would be wrong.
 */
export function loadPolicies(
  paths: readonly string[],
  exclude: ReadonlySet<string> = new Set(),
  options: LoadOptions = {},
): LoadedPolicies {
  const sources: PolicySource[] = [];
  const warnings: string[] = [];
  for (const f of collectPolicyFiles(paths)) {
    if (POLICY_TEST.test(f.path) || exclude.has(resolve(f.path))) continue;
    const display = relative(process.cwd(), f.path).split('\\').join('/') || f.display;
    let text: string;
    try {
      if (f.error !== undefined) throw new Error(f.error);
      text = readWholeText(f.path);
    } catch (e) {
      throw new InputError(`cannot read ${display}: ${(e as Error).message}`);
    }
    const loaded = loadPolicy(display, text);
    if (!loaded.source) {
      if (loaded.notAPolicy) continue;
      throw new InputError(
        `${display} does not parse (${loaded.unusable}); fix it or leave it out of the paths`,
      );
    }
    if (!recognize(loaded.source.value, text, display)) continue;
    if (loaded.errors.length)
      warnings.push(
        `${display} has ${loaded.errors.length} lint error${loaded.errors.length === 1 ? '' : 's'} (first: ${loaded.errors[0].message}); it is evaluated as written`,
      );
    sources.push(loaded.source);
  }
  // No file, no org: an empty folder stays "nothing to evaluate against", not the org alone.
  if (options.live && sources.length) {
    const org = syncedOrg(sources, options.live);
    const liveAdded = org.kept.map((p) => p.name);
    return { compiled: compilePolicies(org.sources), sources: org.sources, warnings, liveAdded };
  }
  const hint = options.offlineHint ? { unresolvedIdHint: options.offlineHint } : {};
  return { compiled: compilePolicies(sources, hint), sources, warnings };
}

/**
 * The policies under the paths, or a usage error when there are none: evaluated against nothing,
 * every event is allowed, and a green run would hide a wrong path (an empty folder, a typo, a test
 * file moved away from its policies). `what` ends the message: what there is nothing for.
 */
export function loadSomePolicies(
  paths: readonly string[],
  what: string,
  exclude: ReadonlySet<string> = new Set(),
  options: LoadOptions = {},
): LoadedPolicies {
  const loaded = loadPolicies(paths, exclude, options);
  if (!loaded.sources.length) throw new InputError(`${noPolicyUnder(paths)}${what}`);
  return loaded;
}

/** `no policy file under a, b`: the paths as given, relative to the current directory. */
export function noPolicyUnder(paths: readonly string[]): string {
  const shown = paths.map((p) => relative(process.cwd(), resolve(p)).split('\\').join('/') || '.');
  return `no policy file under ${shown.join(', ')}`;
}
