/**
 * The pre-commit hook (.pre-commit-hooks.yaml): its shape as the framework reads it, then its
 * entry run as the framework would (test/support/precommit.ts) over the staged files of a
 * temporary repository, with the package installed into the hook's own npm prefix.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  BROKEN_AT,
  ciRepo,
  FILES,
  git,
  installCheckout,
  removeAll,
  ROOT,
  runnerEnv,
  writeTree,
} from '../support/ciRepo';
import { HOOKS, runHook, type Hook } from '../support/precommit';

const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };

describe('.pre-commit-hooks.yaml', () => {
  it('declares policylens-lint as a node hook on staged YAML and JSON files', () => {
    assert.deepEqual(
      HOOKS.map((h) => h.id),
      ['policylens-lint'],
    );
    const hook = HOOKS[0]!;
    assert.equal(hook.language, 'node', 'pre-commit installs this package itself');
    // --force-exclude: a staged file the config leaves out of `lint .` is left out of the hook too.
    assert.equal(hook.entry, 'policylens lint --pass-on-no-policy --force-exclude');
    assert.ok(PKG.bin[hook.entry.split(' ')[0]!], 'the entry is a bin of the package');
    // `types` would require both tags at once (no file is both): either tag is `types_or`.
    assert.equal(hook.types, undefined);
    assert.deepEqual([...(hook.types_or ?? [])].sort(), ['json', 'yaml']);
    assert.equal(hook.pass_filenames, true);
    // One process sees every staged file: the chain analysis is across files.
    assert.equal(hook.require_serial, true);
    assert.ok(hook.name && hook.description);
    assert.match(hook.minimum_pre_commit_version ?? '', /^2\.(9|\d\d)\.|^[3-9]\./, 'types_or needs 2.9');
  });
});

describe('installing the hook as pre-commit does', () => {
  it('`npm pack` prints only the tarball name, which pre-commit reads as a path', () => {
    // pre-commit runs `npm pack` in its clone and installs the path it prints. npm 10 and later also
    // print a `prepare` script's banner and output there unless the project's .npmrc says
    // foreground-scripts=false. Checked on a small package with this repository's .npmrc, so that
    // no build rewrites dist/ under the other tests.
    const dir = mkdtempSync(join(tmpdir(), 'policylens-npmrc-'));
    try {
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify({ name: 'p', version: '1.0.0', scripts: { prepare: 'node -e "console.log(1)"' } }),
      );
      copyFileSync(join(ROOT, '.npmrc'), join(dir, '.npmrc'));
      const r = spawnSync('npm', ['pack', '--dry-run'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, npm_config_update_notifier: 'false' },
      });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, 'p-1.0.0.tgz\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the policylens-lint hook on staged files', { timeout: 300_000 }, () => {
  let root: string;
  let repo: string;
  let env: Record<string, string>;
  const hook = (): Hook => HOOKS[0]!;

  before(() => {
    ({ root, repo } = ciRepo({ ...FILES.good, ...FILES.other }));
    const prefix = join(root, 'hook-env');
    installCheckout(prefix);
    env = runnerEnv({ repo, temp: root, prefix });
  });
  after(() => root && removeAll(root));

  it('fails on a staged broken policy, and names only the staged files', () => {
    writeTree(repo, { ...FILES.broken, 'drafts/unstaged.yaml': 'name: x\npolicyType: nope\n' });
    git(repo, 'add', BROKEN_AT.file, 'package.json');
    const r = runHook(repo, hook(), env);
    assert.deepEqual(r.files, [BROKEN_AT.file]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /production-guardrails\.json/);
    assert.match(r.stdout, /schema\/type/);
    assert.doesNotMatch(r.stdout + r.stderr, /unstaged/);
    git(repo, 'reset', '-q');
  });

  it('passes when the staged YAML/JSON holds no policy (package.json, a workflow)', () => {
    writeFileSync(join(repo, 'package.json'), '{ "name": "app", "version": "1.0.0" }\n');
    writeTree(repo, { '.github/workflows/release.yml': 'on: push\njobs: {}\n', 'README.md': '# app\n' });
    git(repo, 'add', 'package.json', '.github/workflows/release.yml', 'README.md');
    const r = runHook(repo, hook(), env);
    assert.deepEqual(r.files.sort(), ['.github/workflows/release.yml', 'package.json']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    git(repo, 'reset', '-q');
  });

  it('passes on a staged valid policy, and is skipped when nothing it checks is staged', () => {
    writeTree(repo, {
      'policies/daily-cost-limit.yaml': FILES.good['policies/daily-cost-limit.yaml'].replace('5.0', '6.0'),
    });
    git(repo, 'add', 'policies/daily-cost-limit.yaml');
    const r = runHook(repo, hook(), env);
    assert.deepEqual(r.files, ['policies/daily-cost-limit.yaml']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    git(repo, 'reset', '-q');
    writeTree(repo, { 'notes.txt': 'x\n' });
    git(repo, 'add', 'notes.txt');
    assert.equal(runHook(repo, hook(), env).skipped, true);
    git(repo, 'reset', '-q');
  });

  it('passes over a staged file that the config leaves out of `lint .` (a test fixture)', () => {
    // The fixture looks like a broken policy: CI's `lint .` never reads it (include), and the hook
    // blocked the commit because it names every staged file.
    writeTree(repo, {
      'policylens.config.yaml': "include: ['policies/**']\n",
      'apps/api/test/fixtures/policy-response.json': FILES.broken['policies/production-guardrails.json'],
    });
    git(repo, 'add', 'policylens.config.yaml', 'apps/api/test/fixtures/policy-response.json');
    const r = runHook(repo, hook(), env);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    git(repo, 'reset', '-q');
    rmSync(join(repo, 'policylens.config.yaml'));
  });
});
