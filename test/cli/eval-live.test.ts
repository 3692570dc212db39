// `eval --live` and `test --live`: bundles exported from Execlave name their prerequisites by server
// id, which nothing offline can tell apart. The chaining guide's pii-guard → finance-cost-cap is put
// in `policylens serve` (PGlite) with `sync --apply`, exported back as the API returns it (the
// prerequisite is pii-guard's id), and evaluated: offline the cost cap is skipped and the trace
// names the option that resolves it; with --live the chain runs as it does in the org.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnRegistry, type RegistryProcess } from '../support/registryProcess';
import { CLI, livePolicies, removeDir, runCli, tempDir } from '../sync/harness';

const CASE = join(__dirname, '../fixtures/replay/chain-relaxed');
const KEY = 'plk_eval_live_key';

/** An event the cost cap blocks when its chain lets it run: no PII, 2.5 USD. */
const COSTLY = {
  agentId: 'finance-bot',
  input: 'Pay the supplier invoice',
  estimatedCost: 2.5,
  timestamp: '2026-12-02T10:00:00Z',
};

const TESTS = `policies: .
cases:
  - name: the cost cap runs because pii-guard passed
    event: {agentId: finance-bot, input: Pay the supplier invoice, estimatedCost: 2.5, at: 2026-12-02T10:00:00Z}
    expect:
      decision: block
      fired: [finance-cost-cap]
`;

/** What the server keeps for itself: left out of an exported bundle, as lint advises. */
const SERVER_KEYS = ['id', 'version', 'createdAt', 'updatedAt', 'organizationId'];

interface Trace {
  decision: string;
  trace: { policy: string; status: string; reason?: string }[];
}

describe('policylens eval and test --live: exported bundles whose prerequisites are ids', () => {
  let dir: string;
  let data: string;
  let serve: RegistryProcess;
  let env: Record<string, string>;
  let guardId: string;
  before(async () => {
    dir = tempDir('eval-live');
    data = tempDir('eval-live-registry');
    serve = await spawnRegistry(CLI, ['serve', '--port', '0', '--data-dir', data, '--org', 'acme'], {
      env: { POLICYLENS_SEED_KEY: KEY },
    });
    env = { POLICYLENS_API_URL: serve.url, POLICYLENS_API_KEY: KEY };
    cpSync(join(CASE, 'baseline'), join(dir, 'baseline'), { recursive: true });
    const applied = await runCli(['sync', 'baseline', '--apply'], env, dir);
    assert.equal(applied.status, 0, applied.stdout + applied.stderr);
    const live = await livePolicies({ url: serve.url, key: KEY });
    guardId = (live.find((p: { name: string }) => p.name === 'pii-guard') as { id: string }).id;
    // The export, cleaned of the server's keys: the cost cap names pii-guard by its id only.
    mkdirSync(join(dir, 'exported'));
    for (const p of live as Record<string, unknown>[]) {
      const bundle = Object.fromEntries(Object.entries(p).filter(([k]) => !SERVER_KEYS.includes(k)));
      writeFileSync(join(dir, 'exported', `${String(p.name)}.json`), JSON.stringify(bundle, null, 2));
    }
    writeFileSync(join(dir, 'exported/chain.policytest.yaml'), TESTS);
    // The raw export, as the API returns each policy: its own id among the server's keys.
    mkdirSync(join(dir, 'raw'));
    for (const p of live as Record<string, unknown>[])
      writeFileSync(join(dir, 'raw', `${String(p.name)}.json`), JSON.stringify(p, null, 2));
    writeFileSync(join(dir, 'raw/chain.policytest.yaml'), TESTS);
    writeFileSync(join(dir, 'costly.json'), JSON.stringify(COSTLY));
  });
  after(async () => {
    await serve.stop();
    removeDir(data);
    removeDir(dir);
  });

  const evalJson = async (args: string[], extraEnv: Record<string, string> = env) => {
    const r = await runCli(
      ['eval', 'exported', '--event', 'costly.json', '--format', 'json', ...args],
      extraEnv,
      dir,
    );
    return {
      status: r.status,
      stderr: r.stderr,
      result: r.stdout ? (JSON.parse(r.stdout) as Trace) : undefined,
    };
  };
  const cap = (t: Trace | undefined) => t?.trace.find((e) => e.policy === 'finance-cost-cap');

  it('offline, the cost cap is skipped and the trace names --live', async () => {
    const r = await evalJson([]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.result?.decision, 'allow');
    assert.equal(cap(r.result)?.status, 'skipped');
    assert.equal(
      cap(r.result)?.reason,
      `prerequisite "${guardId}" is a live policy id, not resolved offline (--live resolves it against the live org)`,
    );
    const text = await runCli(['eval', 'exported', '--event', 'costly.json'], env, dir);
    assert.match(text.stdout, /--live resolves it against the live org/);
  });

  it('with --live the id is read as the live policy it stands for, and the chain runs', async () => {
    const r = await evalJson(['--live']);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.result?.decision, 'block');
    assert.equal(cap(r.result)?.status, 'fired');
    // --url names the org: it asks for it too.
    const byUrl = await evalJson(['--url', serve.url], { POLICYLENS_API_KEY: KEY });
    assert.equal(byUrl.status, 1, byUrl.stderr);
    assert.equal(cap(byUrl.result)?.status, 'fired');
  });

  it('test --live runs the chain the test expects; offline the case fails and says why', async () => {
    const offline = await runCli(['test', 'exported'], env, dir);
    assert.equal(offline.status, 1, offline.stdout + offline.stderr);
    assert.match(offline.stdout, /fired: expected "finance-cost-cap" to fire/);
    const live = await runCli(['test', 'exported', '--live'], env, dir);
    assert.equal(live.status, 0, live.stdout + live.stderr);
    assert.match(live.stdout, /1 passed, 0 failed/);
  });

  it('a raw export keeps each id: offline, a prerequisite naming one is that policy', async () => {
    const r = await runCli(['eval', 'raw', '--event', 'costly.json', '--format', 'json'], {}, dir);
    assert.equal(r.status, 1, r.stderr);
    const result = JSON.parse(r.stdout) as Trace;
    assert.equal(result.decision, 'block');
    assert.equal(cap(result)?.status, 'fired');
    const tests = await runCli(['test', 'raw'], {}, dir);
    assert.equal(tests.status, 0, tests.stdout + tests.stderr);
  });

  it('an org that cannot be read is an error, never a quiet offline run', async () => {
    const noKey = await runCli(['eval', 'exported', '--event', 'costly.json', '--live'], {}, dir);
    assert.equal(noKey.status, 2, noKey.stdout + noKey.stderr);
    assert.match(
      noKey.stderr,
      /--live: the live org is not configured: pass --url or set POLICYLENS_API_URL/,
    );
    assert.equal(noKey.stdout, '');
    const wrongKey = await runCli(
      ['test', 'exported', '--live'],
      { POLICYLENS_API_URL: serve.url, POLICYLENS_API_KEY: 'plk_not_a_key' },
      dir,
    );
    assert.equal(wrongKey.status, 2, wrongKey.stdout + wrongKey.stderr);
    assert.match(wrongKey.stderr, /--live: /);
    assert.equal(wrongKey.stdout, '');
  });
});
