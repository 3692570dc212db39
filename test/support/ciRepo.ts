/**
 * A repository as CI sees it, for the tests of our CI integrations (the action, the pre-commit
 * hook, the snippets of docs/ci.md): a fresh git repository with policy files and the YAML/JSON
 * of other tools beside them, and the environment a runner gives a step. Nothing here reaches the
 * network: the CLI is installed from this checkout's built dist/ (or a packed tarball).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

/** A valid bundle, a bundle with a wrong type at 6:14, and files of other tools (never findings). */
export const FILES = {
  good: {
    'policies/daily-cost-limit.yaml': readFileSync(
      join(ROOT, 'examples/policies/daily-cost-limit.yaml'),
      'utf8',
    ),
  },
  broken: {
    'policies/production-guardrails.json': readFileSync(
      join(ROOT, 'examples/broken/production-guardrails.json'),
      'utf8',
    ),
  },
  other: {
    'package.json': '{ "name": "app", "private": true, "scripts": { "test": "true" } }\n',
    '.github/workflows/ci.yml':
      'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: "true"\n',
  },
};

/** Where the wrong type of FILES.broken is (1-based line and column, as GitHub and SARIF count). */
export const BROKEN_AT = { file: 'policies/production-guardrails.json', line: 6, col: 14 };

export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'ci',
      GIT_AUTHOR_EMAIL: 'ci@example.com',
      GIT_COMMITTER_NAME: 'ci',
      GIT_COMMITTER_EMAIL: 'ci@example.com',
      GIT_CONFIG_NOSYSTEM: '1',
    },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

export function writeTree(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

/** A scratch folder holding `repo/` (a git repository with `files`, committed) and `temp/`. */
export function ciRepo(files: Record<string, string>): { root: string; repo: string; temp: string } {
  const root = mkdtempSync(join(tmpdir(), 'policylens-ci-'));
  const repo = join(root, 'repo');
  const temp = join(root, 'temp');
  mkdirSync(repo);
  mkdirSync(temp);
  git(repo, 'init', '-q', '-b', 'main');
  writeTree(repo, files);
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '--allow-empty', '-m', 'policies');
  return { root, repo, temp };
}

export function removeAll(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * What a runner's step sees: `node` and the npm global prefix's `bin` on PATH (npm installs there
 * because of `npm_config_prefix`, as setup-node's global folder on a runner), the GITHUB_* and
 * RUNNER_* variables, and no API settings of this machine's environment.
 */
export function runnerEnv(
  o: { repo: string; temp: string; prefix: string; actionPath?: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PATH: [join(o.prefix, 'bin'), dirname(process.execPath), process.env.PATH ?? ''].join(':'),
    HOME: process.env.HOME ?? o.temp,
    ...(process.env.npm_config_cache ? { npm_config_cache: process.env.npm_config_cache } : {}),
    npm_config_prefix: o.prefix,
    npm_config_update_notifier: 'false',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: o.repo,
    RUNNER_TEMP: o.temp,
    ...(o.actionPath ? { GITHUB_ACTION_PATH: o.actionPath } : {}),
    ...extra,
  };
}

/**
 * Installs this checkout's package globally into `prefix`, as `npm install -g <folder>` does (a
 * link to the built checkout, with no network). The checkout must be built (dist/).
 */
export function installCheckout(prefix: string): string {
  const r = spawnSync('npm', ['install', '--global', '--no-audit', '--no-fund', ROOT], {
    encoding: 'utf8',
    env: { ...process.env, npm_config_prefix: prefix, npm_config_update_notifier: 'false' },
    timeout: 180_000,
  });
  if (r.status !== 0) throw new Error(`npm install --global ${ROOT}: ${r.stderr}`);
  return join(prefix, 'bin');
}
