import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import {
  CONFIG_FILE_NAME,
  emptyConfig,
  GitIgnore,
  LineIndex,
  readConfig,
  ResolvedConfig,
  type FileSettings,
} from '../core/index';
import { InputError, reason, UsageError } from './files';

/**
 * The project a linted path belongs to: the nearest `policylens.config.yaml` found by walking up
 * from the path (docs/configuration.md says why this convention), or no config at all.
 */
export interface Project {
  /** The directory of the config file; the globs in it are relative to this directory. */
  dir: string;
  /** The config file, when there is one. */
  file?: string;
  config: ResolvedConfig;
}

const projects = new Map<string, Project>();

/** The nearest config file in `dir` or above it. */
export function findConfigFile(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const candidate = join(d, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    if (dirname(d) === d) return undefined;
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
 * The .gitignore rules that apply above a directory that is about to be walked: those of every
 * directory from the repository's root (the nearest folder with `.git`) down to the directory's
 * parent. The walk adds each directory's own .gitignore as it enters it. Outside a repository
 * .gitignore files mean nothing to git, and none are read.
 */
export function gitIgnoreAbove(dir: string): { root: string; ignore: GitIgnore } | undefined {
  const chain: string[] = [];
  let root: string | undefined;
  for (let d = resolve(dir); ; d = dirname(d)) {
    chain.push(d);
    if (existsSync(join(d, '.git'))) {
      root = d;
      break;
    }
    if (dirname(d) === d) break;
  }
  if (!root) return undefined;
  const ignore = new GitIgnore();
  // From the root down to the walked directory's parent (the walk reads the directory's own file).
  for (const d of chain.slice(1).reverse()) addGitIgnoreOf(ignore, root, d);
  return { root, ignore };
}

/** Adds `dir/.gitignore`, if there is one, to the rules. */
export function addGitIgnoreOf(ignore: GitIgnore, root: string, dir: string): void {
  let text: string;
  try {
    text = readFileSync(join(dir, '.gitignore'), 'utf8');
  } catch {
    return;
  }
  const rel = relative(root, dir);
  ignore.add(sep === '/' ? rel : rel.split(sep).join('/'), text);
}
