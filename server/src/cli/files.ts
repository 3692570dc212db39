import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { CONFIG_FILE_NAME, type FileSettings, type GitIgnore } from '../core/index';
import {
  addGitIgnoreOf,
  gitIgnoreAbove,
  projectFor,
  projectPath,
  projectIn,
  settingsFor,
  type Project,
} from './project';
import { below, globReason, POLICY_TEST_FILE, SKIP_DIRS, whySkipped } from './walkRules';

export const POLICY_EXTENSIONS = /\.(json|ya?ml)$/i;

export interface PolicyFile {
  /** Absolute path. */
  path: string;
  /** What the report prints: relative to the directory argument, as the seed's output shows. */
  display: string;
  /**
   * Why this entry could not be read at all (a directory under an argument whose listing was
   * refused): the report shows it as an unreadable entry instead of silently linting less.
   */
  error?: string;
  /** What the project's config says about the file (dialect, rule settings). */
  settings: FileSettings;
  /**
   * True when the walk found it as a regular file by its directory entry (not through a symlink):
   * `readPolicyText` then reads it without a `stat` first (see there).
   */
  regular?: boolean;
}

export interface CollectOptions {
  /** Honour .gitignore files (the default; `--no-ignore` turns it off). */
  ignore?: boolean;
  /** A config file given with `--config`, instead of the nearest one. */
  config?: string;
  /**
   * Collect policy test files (`*.policytest.*`) from directories instead of policies. Without it
   * a directory walk leaves test files out: they sit next to policies but are not policies.
   */
  tests?: boolean;
  /**
   * Collect policy test files as well as policies (`lint`). A walk takes a test file unless the
   * config excludes it or .gitignore ignores it, as `policylens test` finds them: `include` names
   * policies, and test files usually sit outside it.
   */
  withTests?: boolean;
  /**
   * `--force-exclude`: a file named on the command line is skipped when a walk would skip it (the
   * config's include/exclude, .gitignore), as ruff's option of that name; for pre-commit hooks.
   */
  forceExclude?: boolean;
  /** Filled with the files left out: named ones (`--force-exclude`) and walked ones outside `include`. */
  excluded?: Excluded[];
}

/** A YAML/JSON file the run leaves out, and why. */
export interface Excluded {
  display: string;
  why: string;
  /** Named on the command line (else found by a walk, outside the `include` of `config`). */
  named: boolean;
  /** The config whose `include` left the walked file out, as messages name it. */
  config?: string;
}

export { POLICY_TEST_FILE };

export { MAX_READ_BYTES, readPolicyText, readWholeText, type PolicyText } from './readText';

/** What a directory walk skips: the project's include/exclude and the .gitignore rules. */
interface WalkFilter {
  /** The config of the folder being walked: the nearest one at or above it (or --config). */
  project: Project;
  /** Whether a folder's own config governs its subtree (not with --config). */
  nested: boolean;
  /** The .gitignore rules, read unless --no-ignore; applied where the project's `gitignore` says. */
  git?: { root: string; ignore: GitIgnore };
  tests?: boolean;
  withTests?: boolean;
  /** The files the walk reached through a symbolic link to a file. */
  links: Set<string>;
  excluded?: Excluded[];
}

/** A path from the current directory with \`/\`, as terminals (and the text and JSON reports) want it. */
export function fromCwd(path: string): string {
  // Most paths of a run lie under the current directory, written plainly: cut its prefix off
  // (`relative` resolves and normalizes both paths for each of thousands of files).
  const cwd = process.cwd();
  if (sep === '/' && cwd !== '/' && path.startsWith(cwd) && path[cwd.length] === '/' && isPlain(path))
    return path.slice(cwd.length + 1);
  return relative(cwd, path).split(sep).join('/');
}

/** An absolute path with no `.` or `..` segment, no empty one and no trailing `/`. */
const isPlain = (path: string) => !/\/\.{0,2}(\/|$)/.test(path);

export class UsageError extends Error {}

/**
 * A usage error about what the command line names rather than how it is written: a path that
 * cannot be read, an event or a config file that does not parse. Exit status 2 like any usage
 * error, but the message is printed alone: the command's options would not help.
 */
export class InputError extends UsageError {}

/** A short reason for a failed file system call: `permission denied`, `no such file or directory`. */
export function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'no such file or directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EFBIG':
      return 'file too large (for the file system, or the file size limit of `ulimit -f`)';
    case 'EIO':
      return 'input/output error (the disk or the network file system failed)';
    case 'EROFS':
      return 'read-only file system';
    default:
      return err.code ?? err.message;
  }
}

/**
 * Expands the command's path arguments into policy files: directories recursively (every .json,
 * .yaml and .yml, sorted), files as given. Symlinked directories are followed once, so a symlink
 * loop ends instead of recursing forever. An argument that does not exist, cannot be listed, or is
 * neither a regular file nor a directory (a named pipe would block the read forever, `/dev/zero`
 * never ends) is a usage error (exit 2); a directory under an argument that cannot be listed is an
 * entry with an `error`, so the run reports it instead of validating less without a word.

 * A walk skips what the project's config excludes (or does not include) and what .gitignore
 * ignores; a file named on the command line is linted all the same, as ruff and terraform do,
 * unless `forceExclude` asks for the walk's rules (walkRules.ts).
 */
export function collectPolicyFiles(args: readonly string[], options: CollectOptions = {}): PolicyFile[] {
  const out: PolicyFile[] = [];
  const seen = new Set<string>();
  for (const arg of args) {
    const abs = resolve(arg);
    let st;
    try {
      st = statSync(abs);
    } catch (e) {
      throw new InputError(`cannot read ${arg}: ${reason(e)}`);
    }
    const project = projectFor(abs, options.config);
    if (st.isDirectory()) {
      const refused = listable(abs);
      if (refused) throw new InputError(`cannot read ${arg}: ${refused}`);
      // Read whatever the config says: a nested config may turn .gitignore on for its subtree.
      const git = options.ignore !== false ? gitIgnoreAbove(abs) : undefined;
      const links = new Set<string>();
      const from = out.length;
      const nested = !options.config;
      walk(abs, abs, out, seen, {
        project,
        nested,
        git,
        tests: options.tests,
        withTests: options.withTests,
        links,
        excluded: options.excluded,
      });
      if (links.size) dropAliases(out, from, abs, links, seen);
    } else if (!st.isFile()) throw new InputError(`cannot read ${arg}: not a regular file`);
    else if (!seen.has(abs)) {
      seen.add(abs);
      // A test file named to lint is asked what a walk for test files would ask of it.
      const tests = options.tests || (options.withTests && POLICY_TEST_FILE.test(abs));
      const why = options.forceExclude ? whySkipped(abs, { ...options, tests }) : undefined;
      if (why) {
        options.excluded?.push({ display: arg, why, named: true });
        continue;
      }
      out.push({ path: abs, display: arg, settings: settingsFor(project, abs) });
    }
  }
  return out;
}

/** Why a directory cannot be listed, or undefined when it can. */
function listable(dir: string): string | undefined {
  try {
    readdirSync(dir);
    return undefined;
  } catch (e) {
    return reason(e);
  }
}

/**
 * What identifies a directory, whatever the path it is reached by: its device and inode, so that a
 * symlink back up ends the walk and two symlinks to one directory walk it once. One stat, whatever
 * the depth: a real path lstat's every ancestor (Node's realpathSync and the C library's realpath
 * alike), and a chain of 1,000 directories cost lint 14 s. A file system without inode numbers (0)
 * falls back to the real path. The keys share the `seen` set with the files' paths: `dev:ino` is no
 * absolute path, and a directory's real path is no file's.
 */
function directoryKey(dir: string): string {
  const st = statSync(dir, { bigint: true });
  return st.ino ? `${st.dev}:${st.ino}` : realpathSync.native(dir);
}

function walk(base: string, dir: string, out: PolicyFile[], seen: Set<string>, filter: WalkFilter): void {
  let key: string;
  try {
    key = directoryKey(dir);
  } catch {
    return;
  }
  if (seen.has(key)) return;
  seen.add(key);
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  } catch (e) {
    out.push({
      path: dir,
      display: displayOf(base, dir),
      error: `cannot read directory: ${reason(e)}`,
      settings: { rules: {} },
    });
    return;
  }
  if (filter.git && entries.some((e) => e.name === '.gitignore'))
    addGitIgnoreOf(filter.git.ignore, filter.git.root, dir);
  // A folder with its own config (below the walk's start, whose config was found upward) is
  // governed by it alone: no stat, the listing says it is there.
  if (filter.nested && dir !== base && entries.some((e) => e.name === CONFIG_FILE_NAME && !e.isDirectory()))
    filter = { ...filter, project: projectIn(dir) };
  const { project } = filter;
  const git = project.config.config.gitignore ? filter.git : undefined;
  for (const entry of entries) {
    const name = entry.name;
    // `dir` is already normalised: joining by hand skips path.join's normalisation of every entry.
    const p = dir.endsWith(sep) ? dir + name : dir + sep + name;
    // The directory entry says what most entries are without a stat; only symlinks need one.
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const st = statSync(p);
        isDir = st.isDirectory();
        isFile = st.isFile();
      } catch (e) {
        // A link to nothing where a policy would be is reported, as an unreadable file is: a
        // policy whose link broke must not drop out of the run without a word.
        if (POLICY_EXTENSIONS.test(name) && name !== CONFIG_FILE_NAME && !seen.has(p) && wanted(filter, p))
          out.push({ path: p, display: displayOf(base, p), error: brokenLink(e), settings: { rules: {} } });
        continue;
      }
    }
    if (isDir) {
      if (SKIP_DIRS.has(name)) continue;
      if (git?.ignore.ignoresEntry(below(git.root, p), true)) continue;
      if (project.config.excludes(projectPath(project, p))) continue;
      walk(base, p, out, seen, filter);
    } else if (isFile && POLICY_EXTENSIONS.test(name) && name !== CONFIG_FILE_NAME && !seen.has(p)) {
      if (!wanted(filter, p, true)) continue;
      seen.add(p);
      const file = {
        path: p,
        display: displayOf(base, p),
        settings: project.config.settingsFor(projectPath(project, p)),
      };
      // A link to a file is dropped after the walk when the walk reached its target itself.
      if (entry.isFile()) out.push({ ...file, regular: true });
      else {
        filter.links.add(p);
        out.push(file);
      }
    }
  }
}

/**
 * Drops from `out` (from index `from`) the links to files that are linted anyway: an alias
 * (`current.yaml -> 2026-12.yaml`) is one policy, not two of the same name (duplicate-name errors,
 * the policy evaluated twice). A link whose target the walk did not reach is linted under the
 * link's name, once for every target.
 */
function dropAliases(
  out: PolicyFile[],
  from: number,
  root: string,
  links: ReadonlySet<string>,
  seen: Set<string>,
): void {
  // The walk's paths start with the argument as given: a target's real path is mapped back to them.
  const realRoot = realOr(root);
  const walked = (real: string) =>
    real.startsWith(realRoot + sep) ? root + real.slice(realRoot.length) : real;
  const added = out.splice(from);
  for (const f of added) {
    if (links.has(f.path)) {
      const target = walked(realOr(f.path));
      if (target !== f.path && seen.has(target)) continue;
      seen.add(target);
    }
    out.push(f);
  }
}

function realOr(p: string): string {
  try {
    return realpathSync.native(p);
  } catch {
    return p;
  }
}

/**
 * Whether the walk takes the file at `p` (its kind of file, .gitignore, the config's globs). A file
 * outside `include` is recorded (when `record`): when nothing is left, lint says that the config's
 * `include` left it nothing, rather than that nothing is a policy.
 */
function wanted(
  { project, git, tests, withTests, excluded }: WalkFilter,
  p: string,
  record = false,
): boolean {
  const name = p.slice(p.lastIndexOf(sep) + 1);
  const test = POLICY_TEST_FILE.test(name);
  if (test ? !tests && !withTests : tests) return false;
  if (project.config.config.gitignore && git?.ignore.ignoresEntry(below(git.root, p), false)) return false;
  const rel = projectPath(project, p);
  if (test) return !project.config.excludes(rel);
  if (project.config.includes(rel)) return true;
  if (excluded && record && !project.config.excludes(rel))
    excluded.push({
      display: below(process.cwd(), p),
      why: globReason(project, p) ?? '',
      named: false,
      config: project.file && below(process.cwd(), project.file),
    });
  return false;
}

function brokenLink(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'a broken symbolic link: its target does not exist';
  if (code === 'ELOOP') return 'a symbolic link that loops';
  return `cannot read: ${reason(e)}`;
}

/**
 * `p` is under `base` (the walk starts there), so the display path is its tail: cheaper than
 * path.relative for every file of a large tree.
 */
function displayOf(base: string, p: string): string {
  return p.startsWith(base + sep) ? p.slice(base.length + 1) : relative(base, p) || p;
}
