import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import {
  CONFIG_FILE_NAME,
  emptyConfig,
  GitIgnore,
  gitDirFromFile,
  LineIndex,
  readConfig,
  ResolvedConfig,
  type FileSettings,
} from '../core/index';
import { fromCwd, InputError, readWholeText, reason, UsageError } from './files';

/**
 * The project a linted path belongs to: the nearest `policylens.config.yaml` found by walking up
 * from the path (docs/configuration.md says why this convention), or no config at all. A walk
 * switches to the config of each folder that holds one (`projectIn`).
 */
export interface Project {
  /** The directory of the config file; the globs in it are relative to this directory. */
  dir: string;
  /** The config file, when there is one. */
  file?: string;
  config: ResolvedConfig;
}

const projects = new Map<string, Project>();

/**
 * The nearest config file in `dir` or above it, up to the repository's root (the nearest folder
 * holding `.git`, a directory or a worktree's file): a config in the folder above a checkout is
 * not the project's, and used to change the verdicts of every repository below it. Outside a
 * repository the search goes on to the file system's root.
 */
export function findConfigFile(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const candidate = join(d, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    if (dirname(d) === d || existsSync(join(d, '.git'))) return undefined;
  }
}

/**
 * Reads and checks a config file. Any problem in it (an unknown key, an unknown rule code, a bad
 * severity) is a usage error that names the place: `policylens.config.yaml:4:3: unknown rule …`.
 */
export function loadConfigFile(file: string, display = file): ResolvedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${display}: ${reason(e)}`);
  }
  const { config, problems } = readConfig(text);
  if (problems.length) {
    const lines = new LineIndex(text);
    throw new InputError(
      problems
        .map((p) => {
          const pos = lines.positionAt(p.span.start);
          return `${display}:${pos.line + 1}:${pos.character + 1}: ${p.message}`;
        })
        .join('\n'),
    );
  }
  return new ResolvedConfig(config);
}

/** The project of a path (a file or a directory), cached per starting directory. */
export function projectFor(path: string, explicitConfig?: string): Project {
  // `--config ""` (an unset variable in a script) fell back to the config found by the path.
  if (explicitConfig === '') throw new UsageError('--config wants a file name');
  if (explicitConfig) {
    const file = resolve(explicitConfig);
    const key = `config:${file}`;
    let p = projects.get(key);
    if (!p) {
      p = { dir: dirname(file), file, config: loadConfigFile(file, explicitConfig) };
      projects.set(key, p);
    }
    return p;
  }
  const abs = resolve(path);
  let start = abs;
  try {
    if (!statSync(abs).isDirectory()) start = dirname(abs);
  } catch {
    start = dirname(abs);
  }
  let p = projects.get(start);
  if (!p) {
    const file = findConfigFile(start);
    p = file
      ? { dir: dirname(file), file, config: loadConfigFile(file, relative(process.cwd(), file) || file) }
      : { dir: start, config: new ResolvedConfig(emptyConfig()) };
    projects.set(start, p);
  }
  return p;
}

/**
 * The project of a folder a walk entered whose listing holds a config file: that config governs
 * the folder's subtree (docs/configuration.md). The walk saw the file in the listing, so finding it
 * costs no `stat`.
 */
export function projectIn(dir: string): Project {
  const file = join(dir, CONFIG_FILE_NAME);
  let p = projects.get(dir);
  if (!p || p.file !== file) {
    p = { dir, file, config: loadConfigFile(file, relative(process.cwd(), file) || file) };
    projects.set(dir, p);
  }
  return p;
}

/** A path relative to the project's directory, with `/`, as the config's globs are written. */
export function projectPath(project: Project, abs: string): string {
  const rel = abs.startsWith(project.dir + sep)
    ? abs.slice(project.dir.length + 1)
    : relative(project.dir, abs);
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/** What the config says about one file. */
export function settingsFor(project: Project, abs: string): FileSettings {
  return project.config.settingsFor(projectPath(project, abs));
}

/**
 * The root of the git repository that holds `dir`: the nearest folder at or above it with a `.git`
 * entry (a directory, or a file in a worktree or a submodule), or undefined outside a repository.
 */
export function gitRootOf(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/**
 * The paths CI services want: GitHub (annotations and code scanning) and GitLab resolve a report's
 * paths against the repository's root, not against the folder lint ran in. Each file's path is
 * from the root of the repository that holds it; outside any repository, from the current
 * directory (`fromCwd`). The roots are looked up once per folder.
 */
export function repoPaths(): (abs: string) => string {
  const roots = new Map<string, string | undefined>();
  return (abs) => {
    const dir = dirname(abs);
    let root = roots.get(dir);
    if (root === undefined && !roots.has(dir)) {
      root = gitRootOf(dir);
      roots.set(dir, root);
    }
    if (root === undefined) return fromCwd(abs);
    const rel = abs.startsWith(root + sep) ? abs.slice(root.length + 1) : relative(root, abs);
    return sep === '/' ? rel : rel.split(sep).join('/');
  };
}

/**
 * The .gitignore rules that apply above a directory that is about to be walked: those of every
 * directory from the repository's root (`gitRootOf`) down to the directory's parent. The walk adds
 * each directory's own .gitignore as it enters it. Outside a repository .gitignore files mean
 * nothing to git, and none are read.
 */
export function gitIgnoreAbove(dir: string): { root: string; ignore: GitIgnore } | undefined {
  const root = gitRootOf(dir);
  if (!root) return undefined;
  // From the root down to the walked directory's parent (the walk reads the directory's own file).
  const above: string[] = [];
  const start = resolve(dir);
  for (let d = start; d !== root;) {
    d = dirname(d);
    above.push(d);
  }
  const ignore = new GitIgnore();
  addGitExclude(ignore, root);
  for (const d of above.reverse()) addGitIgnoreOf(ignore, root, d);
  return { root, ignore };
}

/**
 * Adds the repository's `info/exclude` (the patterns a clone keeps to itself) as rules of the root,
 * before any .gitignore, which overrides it as in git. A linked worktree's or a submodule's `.git`
 * is a file naming the git directory; a worktree's shares `info/` with the main one (`commondir`).
 */
function addGitExclude(ignore: GitIgnore, root: string): void {
  // Each read refuses anything but a regular file of a sane size (a named pipe would block).
  let gitDir = join(root, '.git');
  try {
    const named = gitDirFromFile(readWholeText(gitDir));
    if (!named) return;
    gitDir = resolve(root, named);
  } catch {
    // Not a file: the usual repository, whose `.git` is the git directory.
  }
  try {
    gitDir = resolve(gitDir, readWholeText(join(gitDir, 'commondir')).trim());
  } catch {
    // No commondir: the git directory is the common one.
  }
  try {
    ignore.add('', readWholeText(join(gitDir, 'info', 'exclude')));
  } catch {
    // No exclude file.
  }
}

/** Adds `dir/.gitignore`, if there is one, to the rules. */
export function addGitIgnoreOf(ignore: GitIgnore, root: string, dir: string): void {
  let text: string;
  try {
    text = readWholeText(join(dir, '.gitignore'));
  } catch {
    return;
  }
  const rel = relative(root, dir);
  ignore.add(sep === '/' ? rel : rel.split(sep).join('/'), text);
}
