// `policylens sync` and `policylens history` against a real registry (policylens serve) on loopback.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  api,
  BUNDLES,
  livePolicies,
  type LiveRegistry,
  registryPerFile,
  removeDir,
  runCli,
  tempDir,
  writeFiles,
} from './harness';
import { startProxy } from './proxy';

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let live: LiveRegistry;
const dirs: string[] = [];
registryPerFile((l) => (live = l), dirs);

/** A fresh org (its own key) and a folder holding the three seed bundles. */
async function workspace(org: string): Promise<{ dir: string; env: Record<string, string>; key: string }> {
  const { key } = await live.registry.createApiKey(org, 'user_123');
  const dir = tempDir('bundles');
  dirs.push(dir);
  writeFiles(dir, BUNDLES);
  return { dir, key, env: { POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: key } };
}

describe('policylens sync against policylens serve', () => {
  it('creates everything, then shows one update with its diff, then converges to no-op', async () => {
    const { dir, env, key } = await workspace('converge');
    // Run in the folder: the plan names files from the current directory.
    const first = await runCli(['sync', dir, '--exit-code'], env, dir);
    assert.equal(first.status, 2, first.stderr);
    // The key's org by name (policylens serve answers /whoami), and the server.
    assert.match(first.stdout, /^Plan for org "converge" at 127\.0\.0\.1:\d+:\n/);
    assert.match(first.stdout, /\+ create {2}"Block PII exfiltration" {12}\(data-access\.yaml\)/);
    assert.match(first.stdout, /\n3 changes pending\. Re-run with --apply to apply\.\n$/);
    assert.equal((await livePolicies({ url: live.url, key })).length, 0, 'a dry run writes nothing');

    const applied = await runCli(['sync', dir, '--apply'], env);
    assert.equal(applied.status, 0, applied.stderr);
    assert.match(applied.stdout, /Applied:\n {2}✓ created {2}[0-9a-f-]{36} {2}"Block PII exfiltration"\n/);
    const policies = await livePolicies({ url: live.url, key });
    assert.deepEqual(policies.map((p) => p.name).sort(), [
      'Block PII exfiltration',
      'Rate limit external calls',
      'Require approval for file writes',
    ]);
    for (const p of policies) assert.equal(p.metadata.source, 'cli-sync');
    const pii = policies.find((p) => p.name === 'Block PII exfiltration');
    const rate = policies.find((p) => p.name === 'Rate limit external calls');
    assert.deepEqual(rate.prerequisites, [pii.id], 'the prerequisite name became the live id');
    assert.equal(pii.metadata.owner, 'security');

    writeFiles(dir, { 'data-access.yaml': BUNDLES['data-access.yaml'].replace('log_only', 'block') });
    const planned = await runCli(['sync', dir, '--exit-code'], env, dir);
    assert.equal(planned.status, 2);
    assert.match(
      planned.stdout,
      /\n {2}~ update {2}"Block PII exfiltration" {12}\(data-access\.yaml\)\n {6}enforcementMode: "log_only" → "block"\n {2}= no-op/,
    );
    assert.match(planned.stdout, /\n1 change pending\. Re-run with --apply to apply\.\n$/);
    assert.equal((planned.stdout.match(/~ update/g) ?? []).length, 1);

    // A reviewed plan (its fingerprint from --format json) is applied only while it is still the plan.
    const reviewed = JSON.parse((await runCli(['sync', dir, '--format', 'json'], env)).stdout)
      .fingerprint as string;
    const wrong = await runCli(['sync', dir, '--apply', '--fingerprint', 'f'.repeat(64)], env);
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /not the plan that was reviewed/);
    const second = await runCli(['sync', dir, '--apply', '--fingerprint', reviewed], env);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /✓ updated {2}[0-9a-f-]{36} {2}"Block PII exfiltration"/);
    const third = await runCli(['sync', dir, '--exit-code'], env);
    assert.equal(third.status, 0, third.stdout);
    assert.equal((third.stdout.match(/= no-op/g) ?? []).length, 3);
    assert.match(third.stdout, /No changes pending/);

    const history = await runCli(['history', 'Block PII exfiltration', '--verify'], env);
    assert.equal(history.status, 0, history.stderr);
    // Sync's writes are `cli-sync`'s, with the key that made them beside it.
    assert.match(
      history.stdout,
      /v1 +\S+ +cli-sync \(key user_123\) +policy\.created\n {2}v2 +\S+ +cli-sync \(key user_123\) +policy\.updated\n/,
    );
    assert.match(history.stdout, /enforcementMode: "log_only" → "block"/);
    assert.match(history.stdout, /✓ audit chain intact/);
    const unknown = await runCli(['history', 'No such policy'], env);
    assert.equal(unknown.status, 1);
    assert.match(
      unknown.stderr,
      /^policylens history: no live policy named "No such policy" in 127\.0\.0\.1:\d+; the history of a deleted policy is read by its id \(sync --prune printed it as it deleted the policy\)\n$/,
    );

    const json = await runCli(['sync', dir, '--format', 'json'], env);
    const parsed = JSON.parse(json.stdout);
    assert.equal(parsed.pending, 0);
    assert.equal(parsed.orgName, 'converge');
    assert.match(parsed.fingerprint, /^[0-9a-f]{64}$/);

    // Another key's write that only claims to come from sync reads as that key's.
    const { key: bob } = await live.registry.createApiKey('converge', 'bob');
    const guard = (await livePolicies({ url: live.url, key })).find(
      (p) => p.name === 'Block PII exfiltration',
    );
    const patched = await api({ url: live.url, key: bob }, 'PATCH', `/policies/${guard.id}`, {
      enforcementMode: 'log_only',
      metadata: { source: 'cli-sync' },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const spoofed = await runCli(['history', 'Block PII exfiltration', '--verify'], env);
    assert.match(spoofed.stdout, /v3 +\S+ +cli-sync \(key bob\) +policy\.updated\n/);
    assert.match(spoofed.stdout, /✓ audit chain intact/);
  });

  it('refuses an update when the policy changed since the plan, and leaves it alone', async () => {
    const { dir, env, key } = await workspace('concurrent');
    assert.equal((await runCli(['sync', dir, '--apply'], env)).status, 0);
    writeFiles(dir, { 'data-access.yaml': BUNDLES['data-access.yaml'].replace('log_only', 'block') });
    const direct = { url: live.url, key };
    const proxy = await startProxy(live.url, async (req) => {
      if (req.method === 'PUT' && req.nth === 1) {
        // Another user edits the policy after the plan was made, before the update arrives.
        const id = req.path.split('/').pop()!;
        const res = await api(direct, 'PATCH', `/policies/${id}`, { enforcementMode: 'require_approval' });
        assert.equal(res.status, 200);
      }
      return { kind: 'pass' };
    });
    try {
      const res = await runCli(['sync', dir, '--apply', '--url', proxy.url], env);
      assert.equal(res.status, 1, res.stdout);
      assert.match(
        res.stdout,
        /✗ failed +[0-9a-f-]{36} {2}"Block PII exfiltration" {2}\(update: refused: changed in the live org since the plan \(the plan saw version 1, now version 2\); left alone\)/,
      );
      assert.match(res.stdout, /0 applied, 1 not applied/);
      const put = proxy.seen.find((s) => s.method === 'PUT')!;
      assert.equal(put.headers['if-match'], '"1"');
      const pii = (await livePolicies(direct)).find((p) => p.name === 'Block PII exfiltration');
      assert.equal(pii.enforcementMode, 'require_approval', "the other user's change stands");
    } finally {
      await proxy.close();
    }
    // The next plan shows the real difference, and applying it converges.
    const replanned = await runCli(['sync', dir], env);
    assert.match(replanned.stdout, /enforcementMode: "require_approval" → "block"/);
    assert.equal((await runCli(['sync', dir, '--apply'], env)).status, 0);
    assert.equal((await runCli(['sync', dir, '--exit-code'], env)).status, 0);
  });

  it('retries a 500 and a 429, and a create whose answer was lost is not duplicated', async () => {
    const { dir, env, key } = await workspace('flaky');
    const proxy = await startProxy(live.url, (req) => {
      if (req.method === 'GET' && req.path.startsWith('/api/v1/policies?') && req.nth === 1)
        return {
          kind: 'respond',
          status: 500,
          body: { error: { code: 'INTERNAL_ERROR', message: 'boom', fields: {} } },
        };
      if (req.method === 'POST' && req.nth === 1)
        return {
          kind: 'respond',
          status: 429,
          body: { error: { code: 'RATE_LIMITED', message: 'slow down', fields: {} } },
          headers: { 'Retry-After': '0' },
        };
      // The second POST reaches the registry and commits, but its answer never comes back.
      if (req.method === 'POST' && req.nth === 2) return { kind: 'lose-response' };
      return { kind: 'pass' };
    });
    try {
      const res = await runCli(['sync', dir, '--apply', '--url', proxy.url], env);
      assert.equal(res.status, 0, res.stdout + res.stderr);
      const lists = proxy.seen.filter((s) => s.method === 'GET' && s.path.startsWith('/api/v1/policies?'));
      assert.equal(lists.length, 2, 'one failed list request, one retry');
      const posts = proxy.seen.filter((s) => s.method === 'POST');
      assert.equal(posts.length, 5, 'three creates, the first tried three times');
      assert.equal(posts[0].headers['idempotency-key'], posts[2].headers['idempotency-key']);
      assert.match(String(posts[0].headers['idempotency-key']), /^policylens-sync-[0-9a-f]{40}$/);
    } finally {
      await proxy.close();
    }
    const names = (await livePolicies({ url: live.url, key })).map((p) => p.name);
    assert.equal(names.length, 3, `no duplicates: ${names.join(', ')}`);
    assert.equal((await runCli(['sync', dir, '--exit-code'], env)).status, 0);
  });

  it('says in one line why it cannot talk to the org', async () => {
    const { dir } = await workspace('errors');
    const closed = await closedPort();
    const cases: [Record<string, string>, RegExp][] = [
      [{ POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: 'plk_wrong' }, /refused the API key \(401\)/],
      [
        {
          POLICYLENS_API_URL: `http://127.0.0.1:${closed}`,
          POLICYLENS_API_KEY: 'k',
          POLICYLENS_RETRIES: '0',
        },
        /is unreachable \(ECONNREFUSED\)/,
      ],
      [
        { POLICYLENS_API_URL: 'http://policies.example.com', POLICYLENS_API_KEY: 'k' },
        /refusing to send the API key over plain http/,
      ],
      [{ POLICYLENS_API_KEY: 'k' }, /sync is not configured/],
      [{ EXECLAVE_BASE_URL: live.url }, /no API key/],
    ];
    for (const [env, message] of cases) {
      const res = await runCli(['sync', dir], env);
      assert.equal(res.status, 1, res.stdout);
      assert.match(res.stderr, message);
      assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
      assert.doesNotMatch(res.stderr, /plk_wrong/);
    }
  });

  it('usage errors exit 2 with the synopsis and where the whole help is', async () => {
    for (const args of [['sync'], ['sync', '.', '--format', 'xml'], ['history'], ['history', 'a', 'b']]) {
      const res = await runCli(args, {});
      assert.equal(res.status, 2, args.join(' '));
      assert.match(res.stderr, new RegExp(`^policylens ${args[0]}: .+\\n\\nUsage: policylens ${args[0]} `));
      assert.match(
        res.stderr,
        new RegExp(`\\nRun \`policylens ${args[0]} --help\` for every option and the exit statuses\\.\\n$`),
      );
    }
  });

  it('refuses to prune with no bundles (a mistyped path would delete the whole org)', async () => {
    const { env } = await workspace('empty-prune');
    const empty = tempDir('empty');
    dirs.push(empty);
    const res = await runCli(['sync', empty, '--prune', '--apply'], env);
    assert.equal(res.status, 1);
    assert.match(res.stderr, /no bundles found under .+; refusing to --prune every live policy/);
  });

  it('names files from the current directory, as lint does, not from the path argument', async () => {
    const { env } = await workspace('two-folders');
    const dir = tempDir('folders');
    dirs.push(dir);
    writeFiles(dir, {
      'p1/x.yaml': BUNDLES['data-access.yaml'],
      'p2/x.yaml': BUNDLES['rate-limit.yaml'],
      'p2/bad/x.yaml': 'name: broken\npolicyType: tool_call\nenforcementMode: blocking\n',
    });
    // An invalid bundle is named from here too.
    const invalid = await runCli(['sync', 'p1', 'p2'], env, dir);
    assert.equal(invalid.status, 1);
    assert.match(invalid.stderr, /^✗ p2\/bad\/x\.yaml — invalid: /m);
    removeDir(join(dir, 'p2', 'bad'));

    const text = await runCli(['sync', 'p1', 'p2'], env, dir);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /\+ create {2}"Block PII exfiltration" +\(p1\/x\.yaml\)\n/);
    assert.match(text.stdout, /\+ create {2}"Rate limit external calls" +\(p2\/x\.yaml\)\n/);
    const json = await runCli(['sync', 'p1', 'p2', '--format', 'json'], env, dir);
    const plan = JSON.parse(json.stdout) as { fingerprint: string; steps: { name: string; file: string }[] };
    assert.deepEqual(plan.steps.map((s) => [s.name, s.file]).sort(), [
      ['Block PII exfiltration', 'p1/x.yaml'],
      ['Rate limit external calls', 'p2/x.yaml'],
    ]);
    // The names are part of the fingerprint: the same command from the same folder plans the same.
    const apply = await runCli(['sync', 'p1', 'p2', '--apply', '--fingerprint', plan.fingerprint], env, dir);
    assert.equal(apply.status, 0, apply.stderr);

    // Two bundles of one name: the problem names both files, told apart.
    writeFiles(dir, { 'p2/x.yaml': BUNDLES['data-access.yaml'] });
    const dup = await runCli(['sync', 'p1', 'p2'], env, dir);
    assert.equal(dup.status, 1);
    assert.match(dup.stdout, /"Block PII exfiltration" is declared by both p1\/x\.yaml and p2\/x\.yaml/);
  });

  it('holds back a plan while a bundle is invalid', async () => {
    const { dir, env } = await workspace('invalid');
    writeFiles(dir, { 'broken.yaml': 'name: broken\npolicyType: tool_call\nenforcementMode: blocking\n' });
    const res = await runCli(['sync', join(dir), '--apply', '--prune'], env, dir);
    assert.equal(res.status, 1);
    assert.match(res.stderr, /^✗ broken\.yaml — invalid: /);
    assert.equal(res.stdout, '');
  });

  it('takes a live id written in upper case as that policy (UUIDs are case-insensitive)', async () => {
    const { key } = await live.registry.createApiKey('upper-case-ids', 'user_123');
    const env = { POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: key };
    const guard = {
      name: 'pii-guard',
      policyType: 'pii_access',
      enforcementMode: 'block',
      ruleDefinition: {},
    };
    const created = await api({ url: live.url, key }, 'POST', '/policies', guard);
    assert.equal(created.status, 201);
    const upper = (created.body.data.id as string).toUpperCase();
    const dir = tempDir('upper-case-ids');
    dirs.push(dir);
    writeFiles(dir, {
      'cap.yaml': `name: cost-cap\npolicyType: expression\nenforcementMode: block\nruleDefinition: {expression: cost > 1.0}\nprerequisites: ["${upper}"]\n`,
    });
    const applied = await runCli(['sync', dir, '--apply'], env);
    assert.equal(applied.status, 0, applied.stdout + applied.stderr);
    assert.doesNotMatch(applied.stdout, /!/);
    const cap = (await livePolicies({ url: live.url, key })).find(
      (p: { name: string }) => p.name === 'cost-cap',
    );
    assert.deepEqual(cap.prerequisites, [upper], 'stored as written');
    const again = await runCli(['sync', dir, '--exit-code'], env);
    assert.equal(again.status, 0, again.stdout);
  });

  it('an org holding a prerequisite id in upper case is in sync with bundles naming it, and replays as they do', async () => {
    const { key } = await live.registry.createApiKey('upper-case-ids-stored', 'user_123');
    const org = { url: live.url, key };
    const env = { POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: key };
    const guard = {
      name: 'pii-guard',
      policyType: 'pii_access',
      enforcementMode: 'block',
      ruleDefinition: {},
    };
    const id = ((await api(org, 'POST', '/policies', guard)).body.data.id as string).toUpperCase();
    const cap = {
      name: 'cost-cap',
      policyType: 'expression',
      enforcementMode: 'block',
      ruleDefinition: { expression: 'cost > 1.0' },
    };
    assert.equal((await api(org, 'POST', '/policies', { ...cap, prerequisites: [id] })).status, 201);
    const dir = tempDir('upper-case-ids-stored');
    dirs.push(dir);
    writeFiles(dir, {
      'policies/guard.json': JSON.stringify(guard),
      'policies/cap.json': JSON.stringify({ ...cap, prerequisites: ['pii-guard'] }),
      'ev.jsonl': '{"agentId":"finance-bot","input":"Pay the invoice","estimatedCost":2.5}\n',
    });
    const plan = await runCli(['sync', 'policies', '--exit-code'], env, dir);
    assert.equal(plan.status, 0, plan.stdout);
    const r = await runCli(['replay', 'ev.jsonl', '--policies', 'policies', '--format', 'json'], env, dir);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { changed: number; decisions: { baseline: { block: number } } };
    assert.equal(report.changed, 0, r.stdout);
    assert.equal(report.decisions.baseline.block, 1, 'the chained cost cap ran in the org');
  });
});
