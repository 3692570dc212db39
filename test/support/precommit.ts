/**
 * What the pre-commit framework does with one of our hooks, step by step: it installs this
 * package into the hook's environment (`language: node`: `npm install -g` into a prefix of its
 * own), takes the staged files, keeps those whose type tags meet `types`, `types_or`, `files` and
 * `exclude`, and runs `entry` with them as arguments from the repository's root. File types as
 * pre-commit's `identify` tags them by extension, for the tags our hooks use.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { git, ROOT } from './ciRepo';

export interface Hook {
  id: string;
  name: string;
  description?: string;
  entry: string;
  language: string;
  types?: string[];
  types_or?: string[];
  files?: string;
  exclude?: string;
  pass_filenames?: boolean;
  require_serial?: boolean;
  args?: string[];
  minimum_pre_commit_version?: string;
}

export const HOOKS = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];

const TAGS: Record<string, string[]> = {
  json: ['file', 'text', 'json'],
  yaml: ['file', 'text', 'yaml'],
  yml: ['file', 'text', 'yaml'],
};

function tagsOf(file: string): string[] {
  const ext = /\.([^./]+)$/.exec(file)?.[1]?.toLowerCase() ?? '';
  return TAGS[ext] ?? ['file', 'text'];
}

/** The staged files a hook is given (added, copied, modified, renamed: not deleted). */
export function selectedFiles(repo: string, hook: Hook): string[] {
  const staged = git(repo, 'diff', '--cached', '--name-only', '--diff-filter=ACMR', '-z')
    .split('\0')
    .filter(Boolean);
  return staged.filter((f) => {
    const tags = tagsOf(f);
    if (!(hook.types ?? ['file']).every((t) => tags.includes(t))) return false;
    if (hook.types_or?.length && !hook.types_or.some((t) => tags.includes(t))) return false;
    if (hook.files && !new RegExp(hook.files).test(f)) return false;
    return !(hook.exclude && new RegExp(hook.exclude).test(f));
  });
}

/** Runs the hook on the staged files with the environment's bin first on PATH. */
export function runHook(
  repo: string,
  hook: Hook,
  env: Record<string, string>,
): { status: number; stdout: string; stderr: string; files: string[]; skipped: boolean } {
  const files = selectedFiles(repo, hook);
  // pre-commit reports "(no files to check) Skipped" and runs nothing.
  if (!files.length && hook.pass_filenames !== false)
    return { status: 0, stdout: '', stderr: '', files, skipped: true };
  const [cmd, ...entryArgs] = hook.entry.split(/\s+/);
  const args = [...entryArgs, ...(hook.args ?? []), ...(hook.pass_filenames === false ? [] : files)];
  const r = spawnSync(cmd!, args, { cwd: repo, env, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, files, skipped: false };
}
