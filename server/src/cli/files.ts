import { isUtf8 } from 'node:buffer';
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  statSync,
  type Dirent,
} from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import {
  CONFIG_FILE_NAME,
  decodeUtf16,
  MAX_TEXT_LENGTH,
  tooLargeFinding,
  utf16Order,
  type Utf16Order,
  type FileSettings,
  type GitIgnore,
} from '../core/index';
import {
  addGitIgnoreOf,
  gitIgnoreAbove,
  projectFor,
  projectPath,
  settingsFor,
  type Project,
} from './project';

export const POLICY_EXTENSIONS = /\.(json|ya?ml)$/i;
const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', '.cache', '.policylens-cache']);

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
}

/** Policy test files, for `policylens test` (never policies themselves). */
export const POLICY_TEST_FILE = /\.policytest\.(json|ya?ml)$/i;

/** What a directory walk skips: the project's include/exclude and the .gitignore rules. */
interface WalkFilter {
  project: Project;
  git?: { root: string; ignore: GitIgnore };
  tests?: boolean;
}

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
 * ignores; a file named on the command line is always linted, as ruff and terraform do.
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
      const useGit = options.ignore !== false && project.config.config.gitignore;
      const git = useGit ? gitIgnoreAbove(abs) : undefined;
      walk(abs, abs, out, seen, { project, git, tests: options.tests });
    } else if (!st.isFile()) throw new InputError(`cannot read ${arg}: not a regular file`);
    else if (!seen.has(abs)) {
      seen.add(abs);
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

/** A path below `root`, relative to it with `/`. */
function below(root: string, p: string): string {
  const rel = p.startsWith(root + sep) ? p.slice(root.length + 1) : relative(root, p);
  return sep === '/' ? rel : rel.split(sep).join('/');
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
  const { project, git, tests } = filter;
  if (git && entries.some((e) => e.name === '.gitignore')) addGitIgnoreOf(git.ignore, git.root, dir);
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
      } catch {
        continue; // A dangling symlink: nothing to lint.
      }
    }
    if (isDir) {
      if (SKIP_DIRS.has(name)) continue;
      if (git?.ignore.ignoresEntry(below(git.root, p), true)) continue;
      if (project.config.excludes(projectPath(project, p))) continue;
      walk(base, p, out, seen, filter);
    } else if (isFile && POLICY_EXTENSIONS.test(name) && name !== CONFIG_FILE_NAME && !seen.has(p)) {
      if (POLICY_TEST_FILE.test(name) !== !!tests) continue;
      if (git?.ignore.ignoresEntry(below(git.root, p), false)) continue;
      const rel = projectPath(project, p);
      if (tests ? project.config.excludes(rel) : !project.config.includes(rel)) continue;
      seen.add(p);
      const settings = project.config.settingsFor(rel);
      out.push({
        path: p,
        display: displayOf(base, p),
        settings,
        ...(entry.isFile() ? { regular: true } : {}),
      });
    }
  }
}

/**
 * `p` is under `base` (the walk starts there), so the display path is its tail: cheaper than
 * path.relative for every file of a large tree.
 */
function displayOf(base: string, p: string): string {
  return p.startsWith(base + sep) ? p.slice(base.length + 1) : relative(base, p) || p;
}

/**
 * Files with more bytes than this are refused without being read. UTF-8 never takes more than three
 * bytes per UTF-16 unit (a three-byte sequence is one unit, a four-byte one two, an invalid byte
 * one U+FFFD), so a file over three times the engine's text limit cannot hold a text the engine
 * would analyse; a file between the two is read and measured by its text, exactly as the editor
 * measures an open document.
 */
export const MAX_READ_BYTES = 3 * MAX_TEXT_LENGTH;

export type PolicyText =
  /** `utf16`: the file is UTF-16 with a byte order mark, decoded (a fix writes it back so). */
  | { kind: 'text'; text: string; invalidEncoding: boolean; utf16?: Utf16Order }
  /** A regular file too large to be a policy, refused by its size without reading it. */
  | { kind: 'too-large'; bytes: number };

/**
 * Reads a policy file as UTF-8 text, saying whether the bytes were valid UTF-8. The file is
 * stat'ed first (following symlinks): anything but a regular file throws without being opened (a
 * named pipe blocks the read until a writer comes, a device such as `/dev/zero` never ends), and
 * a file over MAX_READ_BYTES is refused by its size. Reading straight to a string is one call into
 * Node's C++ (reading a Buffer first costs open, fstat, read and close from JavaScript: three times
 * the time on 5,000 small files). Invalid bytes decode to U+FFFD, so only a text that contains one
 * is read again as bytes to tell a real U+FFFD from a replaced byte.
 *
 * `regular` says that a directory walk has just seen the file as a regular file (its directory
 * entry, not a symlink): the stat is then skipped (see `readSeenFile`).
 */
export function readPolicyText(path: string, regular = false): PolicyText {
  if (regular) return readSeenFile(path);
  const st = statSync(path);
  if (!st.isFile()) throw new Error('not a regular file');
  if (st.size > MAX_READ_BYTES) return { kind: 'too-large', bytes: st.size };
  const text = readFileSync(path, 'utf8');
  if (!text.includes('\uFFFD')) return { kind: 'text', text, invalidEncoding: false };
  // A UTF-16 byte order mark is no UTF-8: such a file is always read here again as bytes.
  return textOfBytes(readFileSync(path));
}

/** The text of a file's bytes: UTF-16 when it starts with that byte order mark, else UTF-8. */
function textOfBytes(bytes: Buffer, n = bytes.length): PolicyText & { kind: 'text' } {
  const order = utf16Order(bytes.subarray(0, n));
  if (order) {
    const { text, complete } = decodeUtf16(bytes, order, n);
    return { kind: 'text', text, invalidEncoding: !complete, utf16: order };
  }
  const text = bytes.toString('utf8', 0, n);
  return { kind: 'text', text, invalidEncoding: text.includes('\uFFFD') && !isUtf8(bytes.subarray(0, n)) };
}

/** Windows has no O_NONBLOCK (and no named pipes in a folder walk). */
const OPEN_SEEN = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
/** What a file is read into first: every bundle of the bench's corpora fits many times over. */
const FIRST_READ = 64 * 1024;
let firstBuffer: Buffer | undefined;

/**
 * Reads a file that the walk saw as a regular file, without a stat: the `Stats` object that
 * `statSync` builds (four `Date`s included) cost as much as the read itself, 40 of 100 ms of CPU
 * on 5,000 bundles. The file is opened non-blocking and read into a reused buffer; only a file
 * that fills it is `fstat`'ed on the open descriptor, then refused by its type or its size exactly
 * as `readPolicyText` refuses it. So a file swapped for a named pipe or a device after the walk
 * still cannot hang the run (the read does not block) nor grow without bound (the read stops at
 * the buffer, then at MAX_READ_BYTES).
 */
function readSeenFile(path: string): PolicyText {
  const fd = openSync(path, OPEN_SEEN);
  try {
    let buf = (firstBuffer ??= Buffer.allocUnsafe(FIRST_READ));
    let n = fill(fd, buf, 0);
    if (n === buf.length) {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new Error('not a regular file');
      if (st.size > MAX_READ_BYTES) return { kind: 'too-large', bytes: st.size };
      // Room for the whole file and one more byte, so that reaching the end is seen.
      for (let size = Math.max(st.size + 1, 2 * n); n === buf.length; size *= 2) {
        if (n > MAX_READ_BYTES) return { kind: 'too-large', bytes: Math.max(st.size, n) };
        const bigger = Buffer.allocUnsafe(Math.min(size, MAX_READ_BYTES + 1));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
        n = fill(fd, buf, n);
      }
    }
    return textOfBytes(buf, n);
  } finally {
    closeSync(fd);
  }
}

/** Reads from `fd` into `buf` from `at` until the buffer is full or the file ends; the bytes held. */
function fill(fd: number, buf: Buffer, at: number): number {
  let n = at;
  while (n < buf.length) {
    const got = readSync(fd, buf, n, buf.length - n, null);
    if (got === 0) break;
    n += got;
  }
  return n;
}

/**
 * The whole text of a file, for commands that need all of it or nothing (eval, test): a file
 * refused by its size throws, as an unreadable one does.
 */
export function readWholeText(path: string): string {
  const read = readPolicyText(path);
  if (read.kind === 'too-large') throw new Error(tooLargeFinding(read.bytes, 'disk').message);
  return read.text;
}
