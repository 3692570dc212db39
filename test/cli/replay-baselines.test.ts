// `policylens replay --against git:<ref>` in a temporary git repository (the same paths at a
// revision, read with git show, nothing checked out) and `--against live` against the real
// registry (policylens serve on PGlite): each gives the report of the same baseline as a folder.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { expectJson } from '../support/fixtures';
import { api, CLI, removeDir, runCli, tempDir } from '../sync/harness';
import { spawnRegistry, type RegistryProcess } from '../support/registryProcess';
import { reportOf } from '../support/replay';

const CASE = join(__dirname, '../fixtures/replay/mode-change');
const KEY = 'plk_replay_baseline_key';

describe('policylens replay: baselines', () => {
  let dir: string;
  let data: string;
  let serve: RegistryProcess;
  let live: { url: string; key: string };
  before(async () => {
    dir = tempDir('replay-baselines');
    data = tempDir('replay-baselines-registry');
    // The org as users run it: `policylens serve` (PGlite), a process of its own with a seeded key.
    serve = await spawnRegistry(CLI, ['serve', '--port', '0', '--data-dir', data, '--org', 'acme'], {
      env: { POLICYLENS_SEED_KEY: KEY },
    });
    live = { url: serve.url, key: KEY };
  });
  after(async () => {
    await serve.stop();
    removeDir(data);
    removeDir(dir);
  });

  it('git:<ref> reads the baseline from the revision, leaving the working tree as it is', async () => {
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: dir,
        encoding: 'utf8',
      });
    git('init', '-q', '-b', 'main');
    cpSync(join(CASE, 'baseline'), join(dir, 'policies'), { recursive: true });
    cpSync(join(CASE, 'events.jsonl'), join(dir, 'events.jsonl'));
    git('add', '.');
    git('commit', '-q', '-m', 'baseline');
    cpSync(join(CASE, 'current'), join(dir, 'policies'), { recursive: true });
    const before = readFileSync(join(dir, 'policies/pii-protection.yaml'), 'utf8');
    const r = await runCli(
      [
        'replay',
        'events.jsonl',
        '--policies',
        'policies',
        '--against',
        'git:HEAD',
        '--examples',
        '3',
        '--format',
        'json',
      ],
      {},
      dir,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { baseline: string }).baseline, 'git:HEAD');
    expectJson(join(CASE, 'expected.json'), reportOf(r.stdout));
    assert.equal(
      readFileSync(join(dir, 'policies/pii-protection.yaml'), 'utf8'),
      before,
      'nothing checked out',
    );
    assert.match(git('status', '--porcelain'), /M policies\/pii-protection\.yaml/);
    const bad = await runCli(
      ['replay', 'events.jsonl', '--policies', 'policies', '--against', 'git:no-such-ref'],
      {},
      dir,
    );
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /git:no-such-ref/);
  });

  it('live reads the baseline from `policylens serve` through the live client', async () => {
    for (const f of ['block-prompt-injection.json', 'pii-protection.yaml']) {
      const text = readFileSync(join(CASE, 'baseline', f), 'utf8');
      const body = (f.endsWith('.json') ? JSON.parse(text) : parse(text)) as Record<string, unknown>;
      assert.equal((await api(live, 'POST', '/policies', body)).status, 201);
    }
    const env = { POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: live.key };
    const r = await runCli(
      ['replay', 'events.jsonl', '--policies', 'current', '--examples', '3', '--format', 'json'],
      env,
      CASE,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match((JSON.parse(r.stdout) as { baseline: string }).baseline, /^live \(/);
    expectJson(join(CASE, 'expected.json'), reportOf(r.stdout));
    const down = await runCli(
      ['replay', 'events.jsonl', '--policies', 'current'],
      { POLICYLENS_API_URL: 'http://127.0.0.1:9', POLICYLENS_API_KEY: 'k' },
      CASE,
    );
    assert.equal(down.status, 1, 'an unreachable org is an error, not a usage error');
  });
});
