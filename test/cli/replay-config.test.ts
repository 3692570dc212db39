// `policylens replay` and `policylens sync` read the recorded events the project config names
// (`replay.events`, relative to the config), as the editor does: the command line wins, a file the
// config names that cannot be read is a usage error that says so, and sync's fingerprint covers
// the config's events as it covers --events, so that what was reviewed is what is applied.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { expectJson } from '../support/fixtures';
import { reportOf } from '../support/replay';
import {
  api,
  inProcessRegistry,
  removeDir,
  runCli,
  tempDir,
  writeFiles,
  type LiveRegistry,
} from '../sync/harness';

const CASE = join(__dirname, '../fixtures/replay/mode-change');

interface Example {
  file: string;
  line: number;
}
const examplesOf = (stdout: string) =>
  (JSON.parse(stdout) as { transitions: { examples: Example[] }[] }).transitions.flatMap((t) =>
    t.examples.map((e) => `${e.file}:${e.line}`),
  );

describe('replay and sync read replay.events from the project config', () => {
  let live: LiveRegistry;
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    live = await inProcessRegistry();
    env = { POLICYLENS_API_KEY: live.key };
    for (const f of ['block-prompt-injection.json', 'pii-protection.yaml']) {
      const text = readFileSync(join(CASE, 'baseline', f), 'utf8');
      const body = (f.endsWith('.json') ? JSON.parse(text) : parse(text)) as Record<string, unknown>;
      assert.equal((await api(live, 'POST', '/policies', body)).status, 201);
    }
    dir = tempDir('replay-config');
    cpSync(join(CASE, 'current'), join(dir, 'policies'), { recursive: true });
    cpSync(join(CASE, 'baseline'), join(dir, 'released'), { recursive: true });
    writeFiles(dir, {
      'traffic/events.jsonl': readFileSync(join(CASE, 'events.jsonl'), 'utf8'),
      'policylens.config.yaml': `live:\n  url: ${live.url}\nreplay:\n  events: traffic/events.jsonl\n`,
      'other.jsonl': readFileSync(join(CASE, 'events.jsonl'), 'utf8').split('\n').slice(0, 3).join('\n'),
    });
  });

  after(async () => {
    await live.close();
    removeDir(dir);
  });

  it('replay without events replays the config’s, relative to the config', async () => {
    const args = ['--against', 'released', '--examples', '3', '--format', 'json'];
    const r = await runCli(['replay', '--policies', 'policies', ...args], {}, dir);
    assert.equal(r.status, 0, r.stderr);
    expectJson(join(CASE, 'expected.json'), reportOf(r.stdout));
    assert.deepEqual(examplesOf(r.stdout), [
      'traffic/events.jsonl:2',
      'traffic/events.jsonl:4',
      'traffic/events.jsonl:6',
    ]);
    // From a folder below the config, the nearest config upwards names the same file.
    const below = await runCli(
      ['replay', '--policies', '.', '--against', '../released', '--examples', '3', '--format', 'json'],
      {},
      join(dir, 'policies'),
    );
    assert.equal(below.status, 0, below.stderr);
    expectJson(join(CASE, 'expected.json'), reportOf(below.stdout));
    assert.equal(examplesOf(below.stdout)[0], '../traffic/events.jsonl:2');
  });

  it('--config FILE names the config whatever the working directory', async () => {
    const bare = tempDir('replay-config-elsewhere');
    try {
      const r = await runCli(
        [
          'replay',
          '--config',
          join(dir, 'policylens.config.yaml'),
          '--policies',
          join(dir, 'policies'),
          '--against',
          join(dir, 'released'),
          '--examples',
          '3',
          '--format',
          'json',
        ],
        {},
        bare,
      );
      assert.equal(r.status, 0, r.stderr);
      expectJson(join(CASE, 'expected.json'), reportOf(r.stdout));
    } finally {
      removeDir(bare);
    }
  });

  it('events on the command line win over the config', async () => {
    const r = await runCli(
      ['replay', 'other.jsonl', '--policies', 'policies', '--against', 'released', '--format', 'json'],
      {},
      dir,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { events: number }).events, 3);
  });

  it('the baseline live comes from the config’s live.url, with the config’s events', async () => {
    const r = await runCli(
      ['replay', '--policies', 'policies', '--examples', '3', '--format', 'json'],
      env,
      dir,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match((JSON.parse(r.stdout) as { baseline: string }).baseline, /^live \(/);
    expectJson(join(CASE, 'expected.json'), reportOf(r.stdout));
  });

  it('a file the config names that cannot be read is a usage error that names the config', async () => {
    const broken = tempDir('replay-config-missing');
    try {
      cpSync(join(CASE, 'current'), join(broken, 'policies'), { recursive: true });
      writeFiles(broken, { 'policylens.config.yaml': 'replay:\n  events: [traffic/gone.jsonl]\n' });
      const r = await runCli(['replay', '--policies', 'policies', '--against', 'policies'], {}, broken);
      assert.equal(r.status, 2);
      assert.match(
        r.stderr,
        /cannot read traffic\/gone\.jsonl: no such file or directory \(replay\.events of policylens\.config\.yaml\)/,
      );
      const s = await runCli(['sync', 'policies'], { ...env, POLICYLENS_API_URL: live.url }, broken);
      assert.equal(s.status, 2);
      assert.match(s.stderr, /traffic\/gone\.jsonl.*replay\.events of policylens\.config\.yaml/);
      // Neither on the command line nor in a config: the usage error says where events come from.
      writeFileSync(join(broken, 'policylens.config.yaml'), 'rules: {}\n');
      const none = await runCli(['replay', '--policies', 'policies', '--against', 'policies'], {}, broken);
      assert.equal(none.status, 2);
      assert.match(none.stderr, /replay needs an events file \(on the command line, or replay\.events/);
    } finally {
      removeDir(broken);
    }
  });

  it('sync prints the impact of the config’s events, and its fingerprint covers them', async () => {
    const text = await runCli(['sync', 'policies'], env, dir);
    assert.equal(text.status, 0, text.stderr);
    assert.match(
      text.stdout,
      /Impact on 7 recorded events \(traffic\/events\.jsonl, the replay\.events of policylens\.config\.yaml\):\n {2}would block \+3 · allow \+0/,
    );
    const json = async (...extra: string[]) => {
      const r = await runCli(['sync', 'policies', '--format', 'json', ...extra], env, dir);
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as { fingerprint: string; replay?: { newlyBlocked: number } };
    };
    const fromConfig = await json();
    const explicit = await json('--events', 'traffic/events.jsonl');
    const without = await json('--no-events');
    assert.equal(fromConfig.replay?.newlyBlocked, 3);
    assert.equal(fromConfig.fingerprint, explicit.fingerprint, 'the same traffic, the same review');
    assert.equal(without.replay, undefined);
    assert.notEqual(without.fingerprint, fromConfig.fingerprint);

    const both = await runCli(['sync', 'policies', '--events', 'other.jsonl', '--no-events'], env, dir);
    assert.equal(both.status, 2);
    const planOnly = await runCli(
      ['sync', 'policies', '--apply', '--fingerprint', fromConfig.fingerprint, '--no-events'],
      env,
      dir,
    );
    assert.equal(planOnly.status, 1, 'the plan alone is not what was reviewed');
    assert.match(planOnly.stderr, /--fingerprint differs/);
    const applied = await runCli(
      ['sync', 'policies', '--apply', '--fingerprint', fromConfig.fingerprint],
      env,
      dir,
    );
    assert.equal(applied.status, 0, applied.stdout + applied.stderr);
    assert.match((await runCli(['sync', 'policies'], env, dir)).stdout, /would block \+0 · allow \+0/);
  });
});
