// The editor's plan of closed files under the project's config, from the language server over stdio
// (node dist/server.js) against a real registry on loopback (`policylens serve`'s, shared): a file
// the config's `dialects` reads as another dialect than its content says, and a warning the config
// raises to an error, are planned as `policylens sync` (the CLI run as a process on the same folder)
// plans them, before any of the files is opened. The editor used to read a closed file with the
// detected dialect and without the config's severities, and planned a create the CLI never makes.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { WorkspacePlanRequest, type WorkspacePlan } from '../../server/src/protocol/index';
import { liveOrg } from '../support/sharedRegistry';
import { BUNDLES, removeDir, runCli, tempDir, writeFiles } from '../sync/harness';
import { fileUri, LspClient } from './client';

const dirs: string[] = [];
const clients: LspClient[] = [];
after(async () => {
  for (const c of clients.splice(0)) await c.shutdown();
  for (const d of dirs) removeDir(d);
});

/** The plan's steps as both front ends name them: action, name, file and changed fields. */
type Step = { action: string; name: string; file?: string; changes: unknown };
const steps = (list: Step[]) =>
  list.map((s) => ({ action: s.action, name: s.name, file: s.file, changes: s.changes }));

/** `policylens sync --format json`: the plan, or why none was made. */
interface CliPlan {
  fingerprint?: string;
  steps: Step[];
  error?: string;
  invalid?: { file: string; errors: number; firstError: string }[];
}

/** The CLI's plan of the folder and the editor's, with nothing open in the editor. */
async function bothPlans(name: string, files: Record<string, string>) {
  const live = await liveOrg(name);
  const env = { POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: live.key };
  const root = tempDir('plan-config');
  dirs.push(root);
  writeFiles(root, files);
  const cli = await runCli(['sync', '.', '--format', 'json'], env, root);
  const json = JSON.parse(cli.stdout) as CliPlan;
  const client = new LspClient(['--stdio'], { PATH: process.env.PATH ?? '', ...env });
  clients.push(client);
  await client.initialize({ rootUri: fileUri(root) });
  const plan = await client.request<WorkspacePlan>(WorkspacePlanRequest.method, { refresh: true });
  assert.equal(plan.state, 'ok', client.logs.join('\n'));
  return { cli: json, editor: plan, root };
}

describe("the editor's plan of closed files follows policylens.config.yaml, as policylens sync", () => {
  it("reads a closed file with the dialect the config's `dialects` forces", async () => {
    const { cli, editor } = await bothPlans('plan-config-dialect', {
      'policylens.config.yaml': "dialects:\n  'agents/**': agentsentinel\n",
      // Its content is an Execlave bundle (detection says so); the config says Agent Sentinel, so
      // `policylens sync` reads no bundle in it.
      'agents/guard.yaml': BUNDLES['data-access.yaml']!,
      'policies/writes.json': BUNDLES['production-guardrails.json']!,
    });
    assert.deepEqual(
      steps(cli.steps).map((s) => [s.action, s.name, s.file]),
      [['create', 'Require approval for file writes', 'policies/writes.json']],
      'the CLI plans the Execlave bundle only',
    );
    assert.deepEqual(steps(editor.entries), steps(cli.steps), editor.text);
    assert.equal(editor.fingerprint, cli.fingerprint, 'the same plan');
    assert.equal(editor.invalid, undefined);
  });

  it("holds back a closed bundle with a warning the config's `rules` raises to an error", async () => {
    const { cli, editor, root } = await bothPlans('plan-config-rules', {
      'policylens.config.yaml': 'rules:\n  chain/trigger-without-prerequisites: error\n',
      'policies/always.yaml':
        'name: Always\npolicyType: tool_call\nenforcementMode: log_only\nchainTrigger: always\nruleDefinition:\n  tools: [shell]\n',
      'policies/writes.json': BUNDLES['production-guardrails.json']!,
    });
    assert.equal(cli.error, '1 invalid bundle: fix it (policylens lint) before sync.');
    // The editor goes on planning the valid bundles, and lists the invalid one in the CLI's words.
    assert.deepEqual(
      editor.invalid?.map((i) => [i.uri.slice(fileUri(root).length + 1), i.message]),
      cli.invalid?.map((i) => [i.file, `${i.errors} error${i.errors === 1 ? '' : 's'}: ${i.firstError}`]),
    );
    assert.deepEqual(
      editor.entries.map((e) => [e.action, e.name]),
      [['create', 'Require approval for file writes']],
    );
  });

  it('indexes closed files for the chain with the forced dialect, and again when it changes', async () => {
    const root = tempDir('plan-config');
    dirs.push(root);
    const config = join(root, 'policylens.config.yaml');
    writeFiles(root, {
      'policylens.config.yaml': "dialects:\n  'agents/**': agentsentinel\n",
      'agents/guard.yaml': BUNDLES['data-access.yaml']!,
      'policies/rate.yaml': BUNDLES['rate-limit.yaml']!,
    });
    // `policylens lint` reads no bundle in agents/: the prerequisite it declares is missing.
    const lint = await runCli(['lint', '.'], {}, root);
    assert.match(lint.stdout, /\[chain\/missing-prerequisite\]/);
    const client = new LspClient(['--stdio'], { PATH: process.env.PATH ?? '' });
    clients.push(client);
    await client.initialize({ rootUri: fileUri(root) });
    const uri = fileUri(join(root, 'policies', 'rate.yaml'));
    const missing = (p: { diagnostics: { code?: unknown }[] }) =>
      p.diagnostics.some((d) => d.code === 'chain/missing-prerequisite');
    const first = client.waitForDiagnosticsWhere(uri, missing);
    client.open(uri, BUNDLES['rate-limit.yaml']!);
    await first;

    // The config no longer forces a dialect: the closed file is read again, as an Execlave bundle.
    writeFileSync(config, 'rules: {}\n');
    const found = client.waitForDiagnosticsWhere(uri, (p) => !missing(p));
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(config), type: 2 }] });
    await found;

    // The `policyLens.dialects` setting forces one again.
    const again = client.waitForDiagnosticsWhere(uri, missing);
    client.notify('workspace/didChangeConfiguration', {
      settings: { policyLens: { dialects: { 'agents/**': 'agentsentinel' } } },
    });
    await again;
  });
});
