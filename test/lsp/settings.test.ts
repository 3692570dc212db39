// The `policyLens.*` settings the server reads (a server in this process, memory files): each one from
// initializationOptions (the way a client without workspace/configuration sets them) and changed while
// the server runs, which takes effect without a restart; and the globs of policyLens.files and
// policyLens.dialects, which decide which files are policies and in which dialect.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { idle, startInProcess, type InProcessServer } from '../support/inProcess';
import type { LspClient } from './client';

const GUARD = 'name: pii-guard\npolicyType: pii_access\nenforcementMode: block\nruleDefinition: {}\n';
const REVIEW =
  'name: security-review\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [a]\nprerequisites: [pii-guard]\n';
const BROKEN = 'name: broken\npolicyType: tool_cal\nenforcementMode: block\nruleDefinition: {}\n';

const servers: InProcessServer[] = [];
after(async () => {
  for (const s of servers) await s.client.shutdown();
});

/** A client like VS Code's, that can be asked to re-read lenses. */
const CAPABILITIES = {
  workspace: { configuration: true, codeLens: { refreshSupport: true } },
  textDocument: { publishDiagnostics: { versionSupport: true } },
};

/** A server in this process on memory files (`files` by path under /ws). */
async function start(files: Record<string, string>, initializationOptions: object): Promise<InProcessServer> {
  // No live org in the environment: the sync lens says `sync not configured`.
  const s = startInProcess({
    files: Object.fromEntries(Object.entries(files).map(([name, text]) => [`/ws/${name}`, text])),
  });
  servers.push(s);
  await s.client.initialize({ rootUri: 'file:///ws', initializationOptions, capabilities: CAPABILITIES });
  return s;
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
    const s = await start(
      { 'policies/guard.yaml': GUARD, 'policies/review.yaml': REVIEW },
      { codeLens: false },
    );
    const { client } = s;
    const uri = 'file:///ws/policies/review.yaml';
    client.open(uri, REVIEW);
    await client.waitForDiagnostics(uri, 1);
    assert.deepEqual(await titles(client, uri), [], 'codeLens: false in initializationOptions');

    const refreshes = () =>
      client.serverRequests.filter((r) => r.method === 'workspace/codeLens/refresh').length;
    /** Pushes a change and waits for the lens refresh it asks the client for. */
    const change = async (codeLens: object) => {
      const before = refreshes();
      push(client, { codeLens });
      await client.until(() => refreshes() > before, `a lens refresh after ${JSON.stringify(codeLens)}`);
    };
    await change({ enabled: true, sync: true, chain: true });
    // The chain lens needs the scan: asked again once the server has nothing left to do.
    for (let i = 0; i < 20 && (await titles(client, uri)).length !== 2; i++) await idle(s);
    assert.equal((await titles(client, uri)).length, 2, 'both lenses back');
    assert.deepEqual(kinds(await titles(client, uri)).sort(), ['chain', 'sync']);
    await change({ enabled: true, sync: false, chain: true });
    assert.deepEqual(kinds(await titles(client, uri)), ['chain']);
    await change({ enabled: true, sync: true, chain: false });
    assert.deepEqual(kinds(await titles(client, uri)), ['sync']);
    await change({ enabled: false });
    assert.deepEqual(await titles(client, uri), []);
    await client.shutdown();
  });

  it('a lens whose command only the extension runs is display-only for other clients', async () => {
    // Found by a field test with Neovim: a click on `sync not configured` asked the server for
    // policyLens.setApiKey, which it does not have ("unknown command").
    const lensOf = async (initializationOptions: object) => {
      const s = await start({ 'policies/guard.yaml': GUARD }, initializationOptions);
      const uri = 'file:///ws/policies/guard.yaml';
      s.client.open(uri, GUARD);
      await idle(s);
      const lenses = await s.client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
      return lenses.find((l) => l.command?.title === 'sync not configured')?.command?.command;
    };
    assert.equal(await lensOf({}), 'policyLens.lens.displayOnly');
    assert.equal(await lensOf({ clientCommands: true }), 'policyLens.setApiKey');
  });

  it('validate: false publishes no diagnostics, and turning it on publishes them at once', async () => {
    const { client } = await start({ 'policies/broken.yaml': BROKEN }, { validate: false });
    const uri = 'file:///ws/policies/broken.yaml';
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

  it('settings pushed without the policyLens wrapper are read when they are its keys, logged otherwise', async () => {
    // A client that cannot be asked (no workspace/configuration): only what it pushes counts.
    const s = startInProcess({ files: { '/ws/policies/broken.yaml': BROKEN } });
    servers.push(s);
    const { client } = s;
    await client.initialize({ rootUri: 'file:///ws', capabilities: {} });
    const uri = 'file:///ws/policies/broken.yaml';
    client.open(uri, BROKEN);
    assert.ok((await client.waitForDiagnostics(uri, 1)).diagnostics.length > 0);
    // As Sublime LSP or Helix may send it: the section's keys alone.
    client.notify('workspace/didChangeConfiguration', { settings: { validate: false } });
    await client.waitForDiagnosticsWhere(uri, (p) => p.diagnostics.length === 0);
    client.notify('workspace/didChangeConfiguration', {
      settings: { yaml: { validate: true }, validate: true },
    });
    await client.until(
      () => client.logs.some((l) => /ignored settings .*\(yaml, validate\)/.test(l)),
      'the ignored settings logged',
    );
    await idle(s);
    assert.deepEqual(client.diagnostics.filter((p) => p.uri === uri).pop()?.diagnostics, []);
  });

  it('a dialect id that names no dialect is logged and shown once, with the nearest id', async () => {
    const s = startInProcess();
    servers.push(s);
    const { client } = s;
    const dialects = { '**/agents/*.yaml': 'agentsentinal', '**/ok/*.yaml': 'preloop' };
    await client.initialize({ rootUri: 'file:///ws', initializationOptions: { dialects }, capabilities: {} });
    push(client, { dialects });
    await idle(s);
    const shown = client.notifications.filter((n) => n.method === 'window/showMessage');
    assert.equal(shown.length, 1, JSON.stringify(shown));
    const { type, message } = shown[0].params as { type: number; message: string };
    assert.equal(type, 2, 'a warning');
    assert.match(
      message,
      /"agentsentinal" \(for \*\*\/agents\/\*\.yaml\) is not a dialect id; did you mean "agentsentinel"\?/,
    );
    assert.ok(client.logs.some((l) => l === message));
  });
});

describe('lsp settings', () => {
  it('policyLens.files and policyLens.dialects decide which files are policies', async () => {
    const { client } = startInProcess();
    try {
      await client.initialize({
        rootUri: 'file:///ws',
        initializationOptions: { files: ['rules/**/*.yaml'], dialects: { 'forced/**': 'execlave' } },
      });
      // A draft with only a name: its content cannot tell, so the globs decide.
      const byGlob = 'file:///ws/rules/a.yaml';
      const forced = 'file:///ws/forced/b.yaml';
      const notMatched = 'file:///ws/policies/c.yaml';
      const foreign = 'file:///ws/rules/kyverno.yaml';
      client.open(notMatched, 'name: draft\n');
      client.open(
        foreign,
        'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: x\nspec: {}\n',
      );
      let next = client.waitForDiagnostics(byGlob, 1);
      client.open(byGlob, 'name: draft\n');
      assert.ok((await next).diagnostics.length > 0, 'a draft matching policyLens.files is a policy file');
      next = client.waitForDiagnostics(forced, 1);
      client.open(forced, 'just: text\n');
      assert.ok(
        (await next).diagnostics.some((d) => d.code === 'schema/required'),
        'a dialect glob forces the dialect, whatever the content',
      );
      assert.equal(
        client.diagnostics.filter((p) => p.uri === notMatched).length,
        0,
        'the default globs are replaced',
      );
      assert.equal(
        client.diagnostics.filter((p) => p.uri === foreign && p.diagnostics.length).length,
        0,
        'the globs never make a foreign file (a Kyverno manifest) a policy',
      );

      // New settings pushed by the client re-decide the open documents.
      next = client.waitForDiagnostics(notMatched);
      client.notify('workspace/didChangeConfiguration', {
        settings: { policyLens: { files: ['policies/**'] } },
      });
      assert.ok((await next).diagnostics.length > 0);
    } finally {
      await client.shutdown();
    }
  });
});

describe('lsp dialects: the policyLens.dialects setting forces a dialect by glob', () => {
  let configured: LspClient;
  before(async () => {
    configured = startInProcess().client;
    configured.settings = { dialects: { 'agents/**/*.yaml': 'callguard', '**/*.preloop.json': 'preloop' } };
    await configured.initialize({ rootUri: 'file:///ws', initializationOptions: configured.settings });
  });
  after(async () => {
    assert.equal(await configured.shutdown(), 0);
  });

  it('a YAML file under agents/ is read as callguard.yaml, whatever its content', async () => {
    const uri = 'file:///ws/agents/refunds/limits.yaml';
    // Flat platform keys would make detection pick the platform policy; the setting wins.
    const published = configured.waitForDiagnostics(uri, 1);
    configured.open(uri, 'name: refunds\nsession_budget: 5.0\ndenied_actions: [delete_customer]\n');
    const codes = (await published).diagnostics.map((d) => d.code);
    assert.deepEqual(codes, ['callguard/ignored-key', 'callguard/flat-key']);
    configured.close(uri);
  });

  it('a JSON file matching the glob is read as a Preloop document', async () => {
    const uri = 'file:///ws/config/gates.preloop.json';
    const published = configured.waitForDiagnostics(uri, 1);
    configured.open(uri, '{ "name": "not-preloop" }\n');
    const diagnostics = (await published).diagnostics;
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.message]),
      [
        ['preloop/ignored-key', 'unknown key "name" is silently ignored by Preloop'],
        ['schema/required', 'missing required property "metadata"'],
      ],
    );
    configured.close(uri);
  });
});
