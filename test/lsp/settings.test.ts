// The `policyLens.*` settings the server reads, over stdio: each one from initializationOptions (the
// way a client without workspace/configuration sets them) and changed while the server runs, which
// takes effect without a restart.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileUri, LspClient } from './client';

const GUARD = 'name: pii-guard\npolicyType: pii_access\nenforcementMode: block\nruleDefinition: {}\n';
const REVIEW =
  'name: security-review\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [a]\nprerequisites: [pii-guard]\n';
const BROKEN = 'name: broken\npolicyType: tool_cal\nenforcementMode: block\nruleDefinition: {}\n';

const dirs: string[] = [];
const clients: LspClient[] = [];
after(() => {
  for (const c of clients) c.kill();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'policylens-settings-'));
  dirs.push(root);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

/** A client like VS Code's, that can be asked to re-read lenses. */
const CAPABILITIES = {
  workspace: { configuration: true, codeLens: { refreshSupport: true } },
  textDocument: { publishDiagnostics: { versionSupport: true } },
};

async function start(root: string, initializationOptions: object): Promise<LspClient> {
  // No live org in the environment: the sync lens says `sync not configured`.
  const client = new LspClient(['--stdio'], { PATH: process.env.PATH ?? '' });
  clients.push(client);
  await client.initialize({ rootUri: fileUri(root), initializationOptions, capabilities: CAPABILITIES });
  return client;
}

/** Polls until `check` holds: a hang guard around asynchronous server work, not a timing assertion. */
async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`never happened: ${what}`);
}

type Lens = { command?: { title: string; command: string } };
const titles = async (client: LspClient, uri: string) =>
  (await client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } })).map(
    (l) => l.command?.title ?? '',
  );
const kinds = (list: string[]) =>
  list.map((t) => (t.startsWith('evaluated') ? 'chain' : t === 'sync not configured' ? 'sync' : t));

const push = (client: LspClient, section: object) =>
  client.notify('workspace/didChangeConfiguration', { settings: { policyLens: section } });

describe('policyLens.* settings', () => {
  it('codeLens.enabled, codeLens.sync and codeLens.chain switch the lenses while the server runs', async () => {
    const root = workspace({ 'policies/guard.yaml': GUARD, 'policies/review.yaml': REVIEW });
    const uri = fileUri(join(root, 'policies', 'review.yaml'));
    const client = await start(root, { codeLens: false });
    client.open(uri, REVIEW);
    await client.waitForDiagnostics(uri, 1);
    assert.deepEqual(await titles(client, uri), [], 'codeLens: false in initializationOptions');

    const refreshes = () =>
      client.serverRequests.filter((r) => r.method === 'workspace/codeLens/refresh').length;
    /** Pushes a change and waits for the lens refresh it asks the client for. */
    const change = async (codeLens: object) => {
      const before = refreshes();
      push(client, { codeLens });
      await eventually(() => refreshes() > before, `a lens refresh after ${JSON.stringify(codeLens)}`);
    };
    await change({ enabled: true, sync: true, chain: true });
    await eventually(async () => (await titles(client, uri)).length === 2, 'both lenses back');
    assert.deepEqual(kinds(await titles(client, uri)).sort(), ['chain', 'sync']);
    await change({ enabled: true, sync: false, chain: true });
    assert.deepEqual(kinds(await titles(client, uri)), ['chain']);
    await change({ enabled: true, sync: true, chain: false });
    assert.deepEqual(kinds(await titles(client, uri)), ['sync']);
    await change({ enabled: false });
    assert.deepEqual(await titles(client, uri), []);
    await client.shutdown();
  });

  it('validate: false publishes no diagnostics, and turning it on publishes them at once', async () => {
    const root = workspace({ 'policies/broken.yaml': BROKEN });
    const uri = fileUri(join(root, 'policies', 'broken.yaml'));
    const client = await start(root, { validate: false });
    client.open(uri, BROKEN);
    assert.deepEqual((await client.waitForDiagnostics(uri, 1)).diagnostics, []);
    // Completion still works while validation is off.
    const list = await client.request<{ items: { label: string }[] }>('textDocument/completion', {
      textDocument: { uri },
      position: { line: 1, character: 12 },
    });
    assert.ok(list.items.some((i) => i.label === 'tool_call'));

    push(client, { validate: true });
    const on = await client.waitForDiagnosticsWhere(uri, (p) => p.diagnostics.length > 0);
    assert.deepEqual(
      on.diagnostics.map((d) => d.code),
      ['schema/enum'],
    );
    push(client, { validate: false });
    await client.waitForDiagnosticsWhere(uri, (p) => p.diagnostics.length === 0);
    await client.shutdown();
  });
});
