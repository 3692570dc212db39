// A chain in the live org: the org stores prerequisites as policy ids, bundles name them. The case
// test/fixtures/replay/chain-relaxed is put in `policylens serve` (PGlite) with `sync --apply`, and
// the org must then replay as the folder it came from: `replay` against live, and the impact of
// `sync --events`, give the folder-against-folder report. Read as stored, every live policy with a
// prerequisite was skipped by the chain, so a relaxation passed `--fail-on newly-allowed` (a field
// test).
import assert from 'node:assert/strict';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expectJson } from '../support/fixtures';
import { spawnRegistry, type RegistryProcess } from '../support/registryProcess';
import { reportOf } from '../support/replay';
import { api, CLI, livePolicies, removeDir, runCli, tempDir } from '../sync/harness';

const CASE = join(__dirname, '../fixtures/replay/chain-relaxed');
const KEY = 'plk_replay_live_chain_key';

/** A report without the events file's name (the fixture's expectation has none). */
const withoutFiles = (v: unknown): unknown =>
  JSON.parse(JSON.stringify(v, (k, x: unknown) => (k === 'file' ? undefined : x)));

describe('policylens replay and sync --events: a chain in the live org', () => {
  let dir: string;
  let data: string;
  let serve: RegistryProcess;
  let env: Record<string, string>;
  before(async () => {
    dir = tempDir('replay-live-chain');
    data = tempDir('replay-live-chain-registry');
    serve = await spawnRegistry(CLI, ['serve', '--port', '0', '--data-dir', data, '--org', 'acme'], {
      env: { POLICYLENS_SEED_KEY: KEY },
    });
    env = { POLICYLENS_API_URL: serve.url, POLICYLENS_API_KEY: KEY };
    for (const f of ['baseline', 'current', 'events.jsonl'])
      cpSync(join(CASE, f), join(dir, f), { recursive: true });
    const applied = await runCli(['sync', 'baseline', '--apply'], env, dir);
    assert.equal(applied.status, 0, applied.stdout + applied.stderr);
  });
  after(async () => {
    await serve.stop();
    removeDir(data);
    removeDir(dir);
  });

  it('the org and the folder sync calls in sync replay alike', async () => {
    const live = await livePolicies({ url: serve.url, key: KEY });
    const guard = live.find((p: { name: string }) => p.name === 'pii-guard') as { id: string };
    const cap = live.find((p: { name: string }) => p.name === 'finance-cost-cap') as {
      prerequisites: string[];
    };
    assert.deepEqual(cap.prerequisites, [guard.id], 'the org holds the prerequisite as an id');
    const inSync = await runCli(['sync', 'baseline', '--exit-code'], env, dir);
    assert.equal(inSync.status, 0, inSync.stdout);
    const same = await runCli(
      ['replay', 'events.jsonl', '--policies', 'baseline', '--format', 'json'],
      env,
      dir,
    );
    assert.equal(same.status, 0, same.stderr);
    const report = JSON.parse(same.stdout) as {
      changed: number;
      decisions: { baseline: object; current: object };
    };
    assert.equal(report.changed, 0, same.stdout);
    assert.deepEqual(report.decisions.baseline, { allow: 1, warn: 0, require_approval: 0, block: 3 });
  });

  it('replay against live gives the folder-against-folder report, and the gate trips on a relaxation', async () => {
    const args = ['replay', 'events.jsonl', '--policies', 'current', '--examples', '3', '--format', 'json'];
    const r = await runCli(args, env, dir);
    assert.equal(r.status, 0, r.stderr);
    expectJson(join(CASE, 'expected.json'), reportOf(r.stdout));
    // Worker threads compile the sides they are sent: the same report.
    const threaded = await runCli([...args, '--threads', '2'], env, dir);
    assert.equal(threaded.stdout, r.stdout);
    const gate = await runCli(
      ['replay', 'events.jsonl', '--policies', 'current', '--fail-on', 'newly-allowed'],
      env,
      dir,
    );
    assert.equal(gate.status, 1, gate.stdout);
    assert.match(gate.stderr, /--fail-on: newly-allowed \(2\)/);
  });

  it('the impact of sync --events is the same replay', async () => {
    const json = await runCli(['sync', 'current', '--events', 'events.jsonl', '--format', 'json'], env, dir);
    assert.equal(json.status, 0, json.stderr);
    const { replay } = JSON.parse(json.stdout) as { replay: unknown };
    expectJson(join(CASE, 'expected.json'), withoutFiles(replay));
    const text = await runCli(['sync', 'current', '--events', 'events.jsonl'], env, dir);
    assert.match(
      text.stdout,
      /would block \+0 · allow \+2 · 2 decisions change\n {2}"finance-cost-cap": block → warn 2/,
    );
  });

  it('a live prerequisite id of no live policy skips the dependent, as a missing one does', async () => {
    const live = await livePolicies({ url: serve.url, key: KEY });
    const guard = live.find((p: { name: string }) => p.name === 'pii-guard') as { id: string };
    assert.equal((await api({ url: serve.url, key: KEY }, 'DELETE', `/policies/${guard.id}`)).status, 200);
    // The folder that stands for the org now: the cost cap alone, naming a prerequisite that is gone.
    mkdirSync(join(dir, 'cap-only'));
    cpSync(join(CASE, 'baseline/finance-cost-cap.json'), join(dir, 'cap-only/finance-cost-cap.json'));
    const r = await runCli(
      ['replay', 'events.jsonl', '--policies', 'cap-only', '--format', 'json'],
      env,
      dir,
    );
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { changed: number; decisions: { baseline: object } };
    assert.equal(report.changed, 0, r.stdout);
    // Skipped on both sides (fail-closed for the chain, not for the request): every event allowed.
    assert.deepEqual(report.decisions.baseline, { allow: 4, warn: 0, require_approval: 0, block: 0 });
  });
});
