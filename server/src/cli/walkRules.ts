// What a directory walk skips, asked of a file named on the command line: `--force-exclude`
// (ruff's option of the same name) skips a named file exactly as a walk would, so a pre-commit hook
// that passes every staged file by name lints what CI's `lint .` lints.
import { dirname, relative, sep } from 'node:path';
import { CONFIG_FILE_NAME } from '../core/index';
import { addGitIgnoreOf, gitIgnoreAbove, gitRootOf, projectFor, projectPath, type Project } from './project';

/** Folders a walk never enters, whatever the config says. */
export const SKIP_DIRS = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  'dist',
  '.cache',
  '.policylens-cache',
]);

/** Policy test files, for `policylens test` (never policies themselves). */
export const POLICY_TEST_FILE = /\.policytest\.(json|ya?ml)$/i;

/** A path below `root`, relative to it with `/`. */
export function below(root: string, p: string): string {
  const rel = p.startsWith(root + sep) ? p.slice(root.length + 1) : relative(root, p);
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/** A config file as messages name it: from the current directory. */
export function configName(project: Project): string {
  return project.file ? below(process.cwd(), project.file) || project.file : '';
}

/** Why the config's globs drop a walked file (`tests`: a walk for policy test files), or undefined. */
export function globReason(project: Project, p: string, tests?: boolean): string | undefined {
  const rel = projectPath(project, p);
  if (project.config.excludes(rel)) return `excluded by ${configName(project)} (exclude)`;
  if (!tests && !project.config.includes(rel)) return `outside the include of ${configName(project)}`;
  return undefined;
}

export interface NamedFileOptions {
  ignore?: boolean;
  config?: string;
  tests?: boolean;
}

/**
 * Why a walk would skip the named file `abs`, or undefined when it would lint it. The folders on
 * the way are checked as a walk from the repository's root enters them (outside a repository, from
 * the current directory when the file is under it): a folder a walk never enters, one .gitignore
 * ignores, one the governing config excludes; then the file itself against .gitignore and the
 * `include`/`exclude` of the config nearest to it.
 */
export function whySkipped(abs: string, o: NamedFileOptions): string | undefined {
  const name = abs.slice(abs.lastIndexOf(sep) + 1);
  if (name === CONFIG_FILE_NAME) return 'the config file';
  if (POLICY_TEST_FILE.test(name) !== !!o.tests)
    return o.tests ? 'not a policy test file' : 'a policy test file';
  const dir = dirname(abs);
  const repo = gitRootOf(dir);
  const cwd = process.cwd();
  const top = repo ?? (dir === cwd || dir.startsWith(cwd + sep) ? cwd : dir);
  const git = o.ignore !== false && repo ? gitIgnoreAbove(dir) : undefined;
  if (git) addGitIgnoreOf(git.ignore, git.root, dir);
  const dirs: string[] = [];
  for (let d = dir; d !== top && dirname(d) !== d; d = dirname(d)) dirs.unshift(d);
  for (const d of dirs) {
    const project = projectFor(dirname(d), o.config);
    const base = d.slice(d.lastIndexOf(sep) + 1);
    if (SKIP_DIRS.has(base)) return `in ${base}/, a folder a walk never enters`;
    if (git && project.config.config.gitignore && git.ignore.ignoresEntry(below(git.root, d), true))
      return `in ${below(cwd, d)}/, which .gitignore ignores`;
    if (project.file && project.config.excludes(projectPath(project, d)))
      return `in ${below(cwd, d)}/, excluded by ${configName(project)} (exclude)`;
  }
  const project = projectFor(abs, o.config);
  if (git && project.config.config.gitignore && git.ignore.ignoresEntry(below(git.root, abs), false))
    return 'ignored by .gitignore';
  return project.file ? globReason(project, abs, o.tests) : undefined;
}
