// The request limits of the live org in `policylens sync`, against policylens serve on loopback: a
// change whose body the registry would refuse (over 1 MiB) is planned as refused, and --apply writes
// nothing while one is (it used to apply what came before it and fail at it); a change the registry
// refuses for another reason (409, 400) is told by name, and the next sync converges.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  api,
  BUNDLES,
  livePolicies,
  type LiveRegistry,
  registryPerFile,
  runCli,
  tempDir,
  writeFiles,
} from './harness';
import { assertSchema } from './syncSchema';
import { startProxy } from './proxy';

let live: LiveRegistry;
const dirs: string[] = [];
registryPerFile((l) => (live = l), dirs);

async function workspace(org: string): Promise<{ dir: string; env: Record<string, string>; key: string }> {
  const { key } = await live.registry.createApiKey(org, 'user_123');
  const dir = tempDir('limits');
  dirs.push(dir);
  writeFiles(dir, BUNDLES);
  return { dir, key, env: { POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: key } };
}

/**
 * A bundle whose body, as sync sends it (every writable field written out, so no default is added;
 * `metadata.source` already "cli-sync"), is exactly `bytes` bytes of UTF-8.
 */
function bundleOf(name: string, bytes: number): Record<string, unknown> {
  const make = (pad: string) => ({
    name,
    policyType: 'tool_call',
    enforcementMode: 'block',
    ruleDefinition: { tools: ['file_write'] },
    metadata: { pad, source: 'cli-sync' },
    appliesToAgents: [],
    isActive: true,
    prerequisites: [],
    evaluationOrder: 100,
    chainTrigger: 'all_passed',
  });
  const base = Buffer.byteLength(JSON.stringify(make('')));
  const value = make('x'.repeat(bytes - base));
  assert.equal(Buffer.byteLength(JSON.stringify(value)), bytes);
  return value;
}

const MiB = 1024 * 1024;

describe('sync and the request limits of the live org', () => {
  it('plans a change over 1 MiB as refused and applies nothing while it is (text, JSON, lint)', async () => {
    const { dir, env, key } = await workspace('limits-refused');
    writeFiles(dir, { 'big.json': JSON.stringify(bundleOf('Big', 2000)) });
    assert.equal((await runCli(['sync', dir, '--apply'], env)).status, 0);

    // Three changes: an update that fits, a create that fits, and an update of 1 MiB + 1 byte.
    writeFiles(dir, {
      'data-access.yaml': BUNDLES['data-access.yaml'].replace('log_only', 'block'),
      'new.yaml':
        'name: New guard\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [shell]\n',
      'big.json': JSON.stringify(bundleOf('Big', MiB + 1)),
    });
    const planned = await runCli(['sync', dir], env, dir);
    assert.equal(planned.status, 1, planned.stderr);
    assert.match(
      planned.stdout,
      /\n {2}~ update {2}"Big" +\(big\.json\)\n {6}metadata\.pad: .*\n {6}! refused: its request body would be 1,048,577 bytes \(metadata: 1,048,3\d\d\), over the 1,048,576 \(1 MiB\) the policies API accepts\n/,
    );
    assert.match(
      planned.stdout,
      /\n3 changes pending; fix the problems \(marked !\) first: --apply writes nothing until then\.\n$/,
    );

    const json = JSON.parse((await runCli(['sync', dir, '--format', 'json'], env)).stdout);
    assertSchema(json);
    const big = json.steps.find((s: { name: string }) => s.name === 'Big');
    assert.match(big.refused, /^its request body would be 1,048,577 bytes/);
    assert.deepEqual(big.problems, [`refused: ${big.refused}`]);
    assert.equal(json.steps.filter((s: { refused?: string }) => s.refused).length, 1);

    const applied = await runCli(['sync', dir, '--apply'], env, dir);
    assert.equal(applied.status, 1, applied.stdout);
    assert.equal(
      applied.stderr,
      `✗ big.json — refused (update): ${big.refused}\n` +
        'policylens sync: 1 change the live org would refuse: fix its bundle (policylens lint) before sync; nothing was applied.\n',
    );
    assert.doesNotMatch(applied.stdout, /Applied:/);
    const appliedJson = JSON.parse((await runCli(['sync', dir, '--apply', '--format', 'json'], env)).stdout);
    assertSchema(appliedJson);
    assert.match(appliedJson.error, /^1 change the live org would refuse/);
    assert.equal(appliedJson.applied, undefined);
    const policies = await livePolicies({ url: live.url, key });
    assert.equal(policies.length, 4, 'New guard was not created');
    assert.equal(policies.find((p) => p.name === 'Block PII exfiltration').enforcementMode, 'log_only');
    assert.equal(policies.find((p) => p.name === 'Big').metadata.pad.length < 3000, true);

    // Lint says so from the file alone, and does not call the bundle invalid for sync.
    const lint = await runCli(['lint', 'big.json'], {}, dir);
    assert.equal(lint.status, 1, lint.stdout);
    assert.match(
      lint.stdout,
      /metadata: the live org would refuse this bundle: its request body would be 1,048,577 bytes/,
    );
    assert.match(lint.stdout, /sync\/request-limit/);
  });

  it("the limit is the registry's own: exactly 1 MiB is applied, one byte more the registry refuses", async () => {
    const { dir, env, key } = await workspace('limits-edge');
    writeFiles(dir, { 'edge.json': JSON.stringify(bundleOf('Edge', MiB)) });
    const planned = await runCli(['sync', dir, '--exit-code'], env);
    assert.equal(planned.status, 2, planned.stdout);
    assert.doesNotMatch(planned.stdout, /refused/);
    const applied = await runCli(['sync', dir, '--apply'], env);
    assert.equal(applied.status, 0, applied.stdout + applied.stderr);
    assert.equal((await livePolicies({ url: live.url, key })).length, 4);
    // One byte more: the plan refuses it, and the registry, sent it by hand, answers 413.
    writeFiles(dir, { 'edge.json': JSON.stringify(bundleOf('Edge', MiB + 1)) });
    const over1 = await runCli(['sync', dir], env);
    assert.equal(over1.status, 1, over1.stdout);
    assert.match(over1.stdout, /! refused: its request body would be 1,048,577 bytes/);
    const over = await api({ url: live.url, key }, 'POST', '/policies', bundleOf('Over', MiB + 1));
    assert.equal(over.status, 413, JSON.stringify(over.body));
  });

  it('a change refused mid-way for another reason (409, 400): told by name, and the next sync converges', async () => {
    const { dir, env, key } = await workspace('limits-midway');
    // The second create (the PII policy, a prerequisite of the rate limit) meets a name clash.
    const proxy = await startProxy(live.url, (req) =>
      req.method === 'POST' && req.body.includes('"Block PII exfiltration"')
        ? {
            kind: 'respond',
            status: 409,
            body: {
              error: {
                code: 'CONFLICT',
                message: 'A policy named "Block PII exfiltration" already exists',
                fields: {},
              },
            },
          }
        : req.method === 'PUT' && req.body.includes('"Require approval for file writes"')
          ? {
              kind: 'respond',
              status: 400,
              body: {
                error: {
                  code: 'VALIDATION_ERROR',
                  message: 'Policy failed validation: ruleDefinition.tools: too many',
                  fields: {},
                },
              },
            }
          : { kind: 'pass' },
    );
    try {
      const first = await runCli(['sync', dir, '--apply', '--url', proxy.url], env);
      assert.equal(first.status, 1, first.stdout + first.stderr);
      const report = first.stdout.slice(first.stdout.indexOf('Applied:'));
      assert.match(report, /\n {2}✓ created {2}[0-9a-f-]{36} {2}"Require approval for file writes"\n/);
      assert.match(
        report,
        /\n {2}✗ failed {3}- +"Block PII exfiltration" {2}\(create: not created: .*already exists.*\)\n/,
      );
      assert.match(
        report,
        /\n {2}✗ failed {3}- +"Rate limit external calls" {2}\(create: prerequisite "Block PII exfiltration" was not applied\)\n/,
      );
      assert.match(report, /\n1 applied, 2 not applied\. Run sync again to see what is left to do\.\n$/);
      assert.deepEqual(
        (await livePolicies({ url: live.url, key })).map((p) => p.name),
        ['Require approval for file writes'],
      );

      // The next run applies the rest; then an update meets a 400 while another goes through.
      assert.equal((await runCli(['sync', dir, '--apply'], env)).status, 0);
      writeFiles(dir, {
        'data-access.yaml': BUNDLES['data-access.yaml'].replace('log_only', 'block'),
        'production-guardrails.json': BUNDLES['production-guardrails.json'].replace('file_write', 'shell'),
      });
      const second = await runCli(['sync', dir, '--apply', '--format', 'json', '--url', proxy.url], env);
      assert.equal(second.status, 1, second.stderr);
      const out = JSON.parse(second.stdout);
      assert.equal(out.error, '1 applied, 1 not applied');
      assert.deepEqual(
        out.applied.map((a: { name: string; ok: boolean; message?: string }) => [a.name, a.ok, a.message]),
        [
          ['Block PII exfiltration', true, undefined],
          [
            'Require approval for file writes',
            false,
            'updating "Require approval for file writes" failed with 400: Policy failed validation: ruleDefinition.tools: too many',
          ],
        ],
      );
    } finally {
      await proxy.close();
    }
    const policies = await livePolicies({ url: live.url, key });
    assert.equal(policies.find((p) => p.name === 'Block PII exfiltration').enforcementMode, 'block');
    assert.deepEqual(
      policies.find((p) => p.name === 'Require approval for file writes').ruleDefinition.tools,
      ['file_write'],
    );
    assert.equal((await runCli(['sync', dir, '--apply'], env)).status, 0);
    const converged = await runCli(['sync', dir, '--exit-code'], env);
    assert.equal(converged.status, 0, converged.stdout);
  });
});
