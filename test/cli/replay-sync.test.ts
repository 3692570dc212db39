// `policylens sync --events`: the impact of the plan on recorded traffic under the dry-run plan,
// against the real registry (policylens serve on PGlite), and `--apply --fingerprint` that
// covers the replay's result, so what was reviewed is what is applied. Also: examples/traffic is
// what its generator writes.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { trafficLines } from '../../scripts/traffic.mjs';
import { api, inProcessRegistry, removeDir, runCli, tempDir, type LiveRegistry } from '../sync/harness';

const CASE = join(__dirname, '../fixtures/replay/mode-change');

describe('policylens sync --events', () => {
  let live: LiveRegistry;
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    live = await inProcessRegistry();
    env = { POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: live.key };
    dir = tempDir('replay-sync');
    for (const f of ['block-prompt-injection.json', 'pii-protection.yaml']) {
      const text = readFileSync(join(CASE, 'baseline', f), 'utf8');
      const body = (f.endsWith('.json') ? JSON.parse(text) : parse(text)) as Record<string, unknown>;
      assert.equal((await api(live, 'POST', '/policies', body)).status, 201);
    }
    cpSync(join(CASE, 'current'), join(dir, 'policies'), { recursive: true });
    cpSync(join(CASE, 'events.jsonl'), join(dir, 'events.jsonl'));
  });
  after(async () => {
    await live.close();
    removeDir(dir);
  });

  it('prints the impact under the plan, and the fingerprint covers it', async () => {
    const text = await runCli(['sync', 'policies', '--events', 'events.jsonl'], env, dir);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /~ update +"PII Protection"/);
    assert.match(
      text.stdout,
      /Impact on 7 recorded events \(events\.jsonl\):\n {2}would block \+3 · allow \+0 · 3 decisions change/,
    );
    assert.match(text.stdout, /"PII Protection": warn → block 3/);

    const plain = JSON.parse((await runCli(['sync', 'policies', '--format', 'json'], env, dir)).stdout) as {
      fingerprint: string;
    };
    const withEvents = JSON.parse(
      (await runCli(['sync', 'policies', '--format', 'json', '--events', 'events.jsonl'], env, dir)).stdout,
    ) as { fingerprint: string; replay: { changed: number; newlyBlocked: number } };
    assert.equal(withEvents.replay.changed, 3);
    assert.notEqual(withEvents.fingerprint, plain.fingerprint, 'the replay is part of what was reviewed');

    // Other traffic is another review: its fingerprint does not apply.
    writeFileSync(
      join(dir, 'other.jsonl'),
      readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n').slice(0, 3).join('\n'),
    );
    const other = await runCli(
      ['sync', 'policies', '--apply', '--fingerprint', withEvents.fingerprint, '--events', 'other.jsonl'],
      env,
      dir,
    );
    assert.equal(other.status, 1);
    assert.match(other.stderr, /--fingerprint differs/);
    const stale = await runCli(
      ['sync', 'policies', '--apply', '--fingerprint', plain.fingerprint, '--events', 'events.jsonl'],
      env,
      dir,
    );
    assert.equal(stale.status, 1, 'the plan-only fingerprint does not cover the replay');
    assert.match(stale.stderr, /\n {2}the reviewed plan replayed no recorded events; this one does/);

    const applied = await runCli(
      ['sync', 'policies', '--apply', '--fingerprint', withEvents.fingerprint, '--events', 'events.jsonl'],
      env,
      dir,
    );
    assert.equal(applied.status, 0, applied.stdout + applied.stderr);
    const after = await runCli(['sync', 'policies', '--events', 'events.jsonl'], env, dir);
    assert.match(after.stdout, /would block \+0 · allow \+0 · 0 decisions change/);
  });

  it('examples/traffic is what scripts/traffic.mjs writes with its seed', () => {
    const file = readFileSync(join(__dirname, '../../examples/traffic/events.jsonl'), 'utf8');
    assert.equal(file, [...trafficLines({ count: 300, seed: 19 })].join('\n') + '\n');
  });
});
