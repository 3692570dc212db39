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

/** An event pii-guard blocks: the input carries an SSN. */
const SSN = {
  agentId: 'finance-bot',
  input: 'Refund the customer, SSN 123-45-6789',
  estimatedCost: 0.5,
  timestamp: '2026-12-02T10:00:00Z',
};

/** The cases of a folder holding the cost cap only: pii-guard lives in the org alone. */
const CAP_ONLY_TESTS = `policies: .
cases:
  - name: the live-only pii-guard blocks the SSN
    event: {agentId: finance-bot, input: "Refund the customer, SSN 123-45-6789", estimatedCost: 0.5, at: 2026-12-02T10:00:00Z}
    expect:
      decision: block
      fired: [pii-guard]
  - name: the cost cap runs because the live-only pii-guard passed
    event: {agentId: finance-bot, input: Pay the supplier invoice, estimatedCost: 2.5, at: 2026-12-02T10:00:00Z}
    expect:
      decision: block
      fired: [finance-cost-cap]
`;

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
    writeFileSync(join(dir, 'ssn.json'), JSON.stringify(SSN));
    // Only the cost cap is exported: its prerequisite, pii-guard's id, is a live-only policy.
    mkdirSync(join(dir, 'cap-only'));
    cpSync(join(dir, 'exported/finance-cost-cap.json'), join(dir, 'cap-only/finance-cost-cap.json'));
    writeFileSync(join(dir, 'cap-only/chain.policytest.yaml'), CAP_ONLY_TESTS);
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

  it('eval --live evaluates the org as sync leaves it: a live-only prerequisite runs its chain', async () => {
    const run = (event: string) =>
      runCli(['eval', 'cap-only', '--event', event, '--format', 'json', '--live'], env, dir);
    const ssn = await run('ssn.json');
    assert.equal(ssn.status, 1, ssn.stdout + ssn.stderr);
    const blocked = JSON.parse(ssn.stdout) as Trace;
    assert.equal(blocked.decision, 'block');
    assert.equal(blocked.trace.find((e) => e.policy === 'pii-guard')?.status, 'fired');
    assert.equal(cap(blocked)?.status, 'skipped');
    assert.match(cap(blocked)?.reason ?? '', /pii-guard/);
    assert.doesNotMatch(cap(blocked)?.reason ?? '', /missing/);
    assert.match(
      ssn.stderr,
      /--live: the org as sync leaves it: the files' policies \+ 1 live policy no file declares \(pii-guard\)/,
    );
    const costly = await run('costly.json');
    assert.equal(costly.status, 1, costly.stdout + costly.stderr);
    assert.equal(cap(JSON.parse(costly.stdout) as Trace)?.status, 'fired');
    // A folder that declares every live policy adds none, and says so.
    const all = await evalJson(['--live']);
    assert.match(all.stderr, /every live policy is declared by a file/);
    assert.doesNotMatch(all.stderr, /live policy no file declares/);
  });

  it('eval --live decides as replay against the live org does', async () => {
    writeFileSync(join(dir, 'ssn.jsonl'), JSON.stringify(SSN) + '\n');
    const r = await runCli(['replay', 'ssn.jsonl', '--policies', 'cap-only', '--format', 'json'], env, dir);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout) as { decisions: { current: Record<string, number> } };
    assert.deepEqual(report.decisions.current, { allow: 0, warn: 0, require_approval: 0, block: 1 });
    const evaluated = await runCli(['eval', 'cap-only', '--event', 'ssn.jsonl', '--live'], env, dir);
    assert.equal(evaluated.status, 1, evaluated.stdout + evaluated.stderr);
    assert.match(evaluated.stdout, /decision: block/);
  });

  it('test --live runs cases against the live-only prerequisite too', async () => {
    const live = await runCli(['test', 'cap-only', '--live'], env, dir);
    assert.equal(live.status, 0, live.stdout + live.stderr);
    assert.match(live.stdout, /2 passed, 0 failed/);
    assert.match(live.stderr, /\+ 1 live policy no file declares \(pii-guard\)/);
    const json = await runCli(['test', 'cap-only', '--live', '--format', 'json'], env, dir);
    const report = JSON.parse(json.stdout) as { files: { policies: string[] }[] };
    assert.ok(report.files[0].policies.includes('live:pii-guard'), json.stdout);
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
