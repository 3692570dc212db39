// The sync CodeLens and the custom sync requests of the language server (node dist/server.js --stdio)
// against a real registry on loopback, with a counting proxy in between to see every network request.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileUri, LspClient } from '../lsp/client';
import {
  api,
  BUNDLES,
  inProcessRegistry,
  removeDir,
  tempDir,
  writeFiles,
  type LiveRegistry,
} from './harness';
import { startProxy, type FaultProxy } from './proxy';

interface Lens {
  range: { start: { line: number } };
  command?: { title: string; command: string; arguments?: unknown[] };
}

let live: LiveRegistry;
let proxy: FaultProxy;
const dirs: string[] = [];
const clients: LspClient[] = [];

before(async () => {
  live = await inProcessRegistry();
  proxy = await startProxy(live.url);
});
after(async () => {
  for (const c of clients) c.kill();
  await proxy.close();
  await live.close();
  for (const d of dirs) removeDir(d);
});

async function server(env: Record<string, string>, root: string): Promise<LspClient> {
  const client = new LspClient(['--stdio'], { PATH: process.env.PATH ?? '', ...env });
  clients.push(client);
  // Like the VS Code extension, which runs the lenses' diff and key commands itself.
  await client.initialize({ rootUri: fileUri(root), initializationOptions: { clientCommands: true } });
  return client;
}

function workspace(files: Record<string, string>): string {
  const root = tempDir('lsp-ws');
  dirs.push(root);
  writeFiles(root, files);
  return root;
}

const listRequests = () =>
  proxy.seen.filter((s) => s.method === 'GET' && s.path.startsWith('/api/v1/policies?')).length;

async function syncLens(client: LspClient, uri: string): Promise<Lens> {
  const lenses = await client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
  const sync = lenses.filter(
    (l) => l.range.start.line === 0 && /create|update|in sync|sync|⚠|✗/.test(l.command?.title ?? ''),
  );
  assert.equal(sync.length, 1, JSON.stringify(lenses));
  return sync[0];
}

/** Polls until `check` holds: a hang guard around asynchronous server work, not a timing assertion. */
async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`never happened: ${what}`);
}

describe('sync in the language server', () => {
  it('lenses from one cached snapshot, apply of the reviewed plan only, diff, history', async () => {
    const { key } = await live.registry.createApiKey('lens-org', 'user_123');
    const root = workspace(Object.fromEntries(Object.entries(BUNDLES).map(([n, t]) => [`policies/${n}`, t])));
    const client = await server({ POLICYLENS_API_URL: proxy.url, POLICYLENS_API_KEY: key }, root);
    const uri = fileUri(join(root, 'policies', 'data-access.yaml'));
    client.open(uri, BUNDLES['data-access.yaml']);

    const first = await syncLens(client, uri);
    assert.equal(first.command?.title, '+ create in lens-org');
    // The notification carries the params its protocol type declares (a client checks the count).
    await eventually(
      () => client.notifications.some((n) => n.method === 'policyLens/planChanged'),
      'policyLens/planChanged after the first read',
    );
    const changed = client.notifications.find((n) => n.method === 'policyLens/planChanged')!;
    assert.deepEqual(changed.params, { state: 'ok' });
    assert.equal(first.command?.command, 'policyLens.sync.openDiff');
    assert.deepEqual((first.command?.arguments?.[0] as { name: string }).name, 'Block PII exfiltration');

    const plan = await client.request<{
      state: string;
      fingerprint: string;
      entries: { action: string }[];
      text: string;
    }>('policyLens/workspacePlan', {});
    assert.equal(plan.state, 'ok');
    assert.deepEqual(
      plan.entries.map((e) => e.action),
      ['create', 'create', 'create'],
    );
    assert.match(plan.text, /^Plan:\n {2}\+ create {2}"Block PII exfiltration"/);

    const stale = await client.request<{ applied: boolean; message: string }>('policyLens/applyPlan', {
      fingerprint: '0'.repeat(64),
    });
    assert.equal(stale.applied, false);
    assert.match(stale.message, /plan changed since it was shown/);
    assert.equal(
      (await api({ url: live.url, key }, 'GET', '/policies')).body.data.length,
      0,
      'nothing written',
    );

    const applied = await client.request<{ applied: boolean; results: { ok: boolean }[] }>(
      'policyLens/applyPlan',
      {
        fingerprint: plan.fingerprint,
      },
    );
    assert.equal(applied.applied, true);
    assert.deepEqual(
      applied.results.map((r) => r.ok),
      [true, true, true],
    );
    assert.equal((await syncLens(client, uri)).command?.title, '= in sync');

    // Typing recomputes the lens from the cache: no request reaches the org.
    const before = listRequests();
    const edited = BUNDLES['data-access.yaml'].replace('log_only', 'block');
    client.change(uri, edited.replace('mask_output: true', 'mask_output: false'));
    client.change(uri, edited);
    assert.equal((await syncLens(client, uri)).command?.title, '~ update: enforcementMode log_only → block');
    assert.equal(listRequests(), before, 'no network per keystroke');

    // Saving re-reads the org (once), and so does the refresh command.
    client.notify('textDocument/didSave', { textDocument: { uri } });
    await eventually(() => listRequests() > before, 'a refresh after save');
    const afterSave = listRequests();
    const refreshed = await client.request<{ state: string }>('workspace/executeCommand', {
      command: 'policyLens.sync.refreshLive',
      arguments: [],
    });
    assert.equal(refreshed.state, 'ok');
    assert.equal(listRequests(), afterSave + 1);

    const diff = await client.request<{ live: string; desired: string }>('policyLens/diffDocuments', {
      name: 'Block PII exfiltration',
      uri,
    });
    assert.match(diff.live, /"enforcementMode": "log_only"/);
    assert.match(diff.desired, /"enforcementMode": "block"/);
    // Both sides in one canonical key order: the registry's JSONB hands ruleDefinition back in
    // another order than the bundle writes it, and that must not show as changed lines.
    assert.equal(diff.live.replace('"log_only"', '"block"'), diff.desired);

    const history = await client.request<{ state: string; events: { eventType: string; actorId: string }[] }>(
      'policyLens/history',
      { uri },
    );
    assert.equal(history.state, 'ok');
    assert.deepEqual(
      history.events.map((e) => [e.eventType, e.actorId]),
      [['policy.created', 'cli-sync']],
    );
    const verified = await client.request<{ ok: boolean; checked: number }>(
      'policyLens/verifyAuditChain',
      {},
    );
    assert.equal(verified.ok, true);
    assert.equal(verified.checked, 3);
    await client.shutdown();
  });

  it('names a policy the history is asked for by its name or its relative path, never its URI', async () => {
    const { key } = await live.registry.createApiKey('history-org', 'user_123');
    const unnamed = 'policyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [x]\n';
    const root = workspace({
      'policies/data-access.yaml': BUNDLES['data-access.yaml'],
      'policies/team/unnamed.yaml': unnamed,
    });
    const client = await server({ POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: key }, root);
    type History = { state: string; label?: string; message?: string };
    const named = await client.request<History>('policyLens/history', {
      uri: fileUri(join(root, 'policies', 'data-access.yaml')),
    });
    assert.equal(named.state, 'not-found');
    assert.equal(named.label, 'Block PII exfiltration');
    assert.equal(named.message, '"Block PII exfiltration" is not in the live org yet.');
    const byPath = await client.request<History>('policyLens/history', {
      uri: fileUri(join(root, 'policies', 'team', 'unnamed.yaml')),
    });
    assert.equal(byPath.label, 'policies/team/unnamed.yaml');
    assert.doesNotMatch(JSON.stringify(byPath), /file:/);
    await client.shutdown();
  });

  it('takes apiUrl from initializationOptions or from the settings, and follows a change', async () => {
    const { key } = await live.registry.createApiKey('url-org', 'user_123');
    const root = workspace({ 'policies/data-access.yaml': BUNDLES['data-access.yaml'] });
    const uri = fileUri(join(root, 'policies', 'data-access.yaml'));
    // Only the key is in the environment; the URL comes from the client.
    const env = { PATH: process.env.PATH ?? '', POLICYLENS_API_KEY: key };

    const byOptions = new LspClient(['--stdio'], env);
    clients.push(byOptions);
    await byOptions.initialize({
      rootUri: fileUri(root),
      initializationOptions: { apiUrl: live.url },
      // A client without workspace/configuration (Neovim's default): initializationOptions is all it has.
      capabilities: { textDocument: {} },
    });
    byOptions.open(uri, BUNDLES['data-access.yaml']);
    assert.equal((await syncLens(byOptions, uri)).command?.title, '+ create in url-org');
    await byOptions.shutdown();

    const bySettings = new LspClient(['--stdio'], env);
    clients.push(bySettings);
    bySettings.settings = { apiUrl: live.url };
    await bySettings.initialize({ rootUri: fileUri(root) });
    bySettings.open(uri, BUNDLES['data-access.yaml']);
    await eventually(
      async () => (await syncLens(bySettings, uri)).command?.title === '+ create in url-org',
      'the lens from the pulled apiUrl',
    );
    // Cleared in the settings: the running server stops using it, no restart.
    bySettings.settings = { apiUrl: '' };
    bySettings.notify('workspace/didChangeConfiguration', { settings: null });
    await eventually(
      async () => (await syncLens(bySettings, uri)).command?.title === 'sync not configured',
      'the lens after apiUrl was cleared',
    );
    await bySettings.shutdown();
  });

  it('shows the read of the live org as progress to a client that shows progress, only to it', async () => {
    const { key } = await live.registry.createApiKey('progress-org', 'user_123');
    const env = { POLICYLENS_API_URL: proxy.url, POLICYLENS_API_KEY: key };
    const readsOrg = (c: LspClient) =>
      c.notifications.filter(
        (n) =>
          n.method === '$/progress' &&
          /reading the live org/.test((n.params as { value: { message?: string } }).value.message ?? ''),
      );
    const start = async (window: object) => {
      const root = workspace({ 'policies/data-access.yaml': BUNDLES['data-access.yaml'] });
      const client = new LspClient(['--stdio'], { PATH: process.env.PATH ?? '', ...env });
      clients.push(client);
      await client.initialize({
        rootUri: fileUri(root),
        capabilities: { workspace: { configuration: true }, window },
      });
      const uri = fileUri(join(root, 'policies', 'data-access.yaml'));
      client.open(uri, BUNDLES['data-access.yaml']);
      assert.equal((await syncLens(client, uri)).command?.title, '+ create in progress-org');
      return client;
    };

    const shown = await start({ workDoneProgress: true });
    await eventually(
      () =>
        shown.notifications.some(
          (n) =>
            n.method === '$/progress' &&
            (n.params as { token: unknown }).token ===
              (readsOrg(shown)[0]?.params as { token?: unknown })?.token &&
            (n.params as { value: { kind: string } }).value.kind === 'end',
        ),
      'the progress of the read ends',
    );
    const [begin] = readsOrg(shown);
    assert.equal((begin!.params as { value: { kind: string } }).value.kind, 'begin');
    assert.match(
      (begin!.params as { value: { message: string } }).value.message,
      /reading the live org \(127\.0\.0\.1:\d+\)/,
    );
    assert.doesNotMatch(
      JSON.stringify(shown.notifications),
      new RegExp(key),
      'the key is never in a message',
    );

    const hidden = await start({});
    assert.equal(
      hidden.serverRequests.filter((r) => r.method === 'window/workDoneProgress/create').length,
      0,
    );
    assert.equal(hidden.notifications.filter((n) => n.method === '$/progress').length, 0);
  });

  it('says when the org is unreachable or sync is not configured', async () => {
    const root = workspace({ 'policies/data-access.yaml': BUNDLES['data-access.yaml'] });
    const uri = fileUri(join(root, 'policies', 'data-access.yaml'));
    const offline = await server(
      { POLICYLENS_API_URL: 'http://127.0.0.1:1', POLICYLENS_API_KEY: 'plk_whatever' },
      root,
    );
    offline.open(uri, BUNDLES['data-access.yaml']);
    assert.equal((await syncLens(offline, uri)).command?.title, '⚠ live org unreachable');
    const bare = await server({}, root);
    bare.open(uri, BUNDLES['data-access.yaml']);
    assert.equal((await syncLens(bare, uri)).command?.title, 'sync not configured');
    await offline.shutdown();
    await bare.shutdown();
  });

  it('takes the key from policyLens/setApiKey, and re-reads the org on the configured interval', async () => {
    const { key } = await live.registry.createApiKey('interval-org', 'user_123');
    const root = workspace({ 'policies/data-access.yaml': BUNDLES['data-access.yaml'] });
    const uri = fileUri(join(root, 'policies', 'data-access.yaml'));
    const client = await server({ POLICYLENS_API_URL: proxy.url }, root);
    client.open(uri, BUNDLES['data-access.yaml']);
    assert.equal((await syncLens(client, uri)).command?.title, 'sync not configured');
    client.notify('policyLens/setApiKey', { apiKey: key });
    await eventually(
      async () => (await syncLens(client, uri)).command?.title === '+ create in interval-org',
      'the lens after the key arrived',
    );
    client.settings = { refreshIntervalSeconds: 1 };
    client.notify('workspace/didChangeConfiguration', { settings: null });
    const before = listRequests();
    await eventually(() => listRequests() >= before + 2, 'two interval refreshes without any edit');
    client.notify('policyLens/setApiKey', { apiKey: null });
    await eventually(
      async () => (await syncLens(client, uri)).command?.title === 'sync not configured',
      'the lens after sign-out',
    );
    await client.shutdown();
  });

  it('live ids resolve prerequisites: a disabled or deleted live policy is flagged', async () => {
    const { key } = await live.registry.createApiKey('chain-org', 'user_123');
    const direct = { url: live.url, key };
    const body = (name: string, isActive = true) => ({
      name,
      policyType: 'tool_call',
      enforcementMode: 'block',
      ruleDefinition: { tools: ['x'] },
      isActive,
    });
    const disabled = (await api(direct, 'POST', '/policies', body('disabled-upstream', false))).body.data
      .id as string;
    const gone = (await api(direct, 'POST', '/policies', body('deleted-upstream'))).body.data.id as string;
    assert.equal((await api(direct, 'DELETE', `/policies/${gone}`)).status, 200);
    const text = `name: downstream\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [y]\nprerequisites: ["${disabled}", "${gone}"]\n`;
    const root = workspace({ 'policies/downstream.yaml': text });
    const uri = fileUri(join(root, 'policies', 'downstream.yaml'));
    const client = await server({ POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: key }, root);
    client.open(uri, text);
    await syncLens(client, uri); // the first lens reads the org
    await eventually(() => {
      const last = [...client.diagnostics].reverse().find((d) => d.uri === uri);
      const codes = (last?.diagnostics ?? []).map((d) => d.code);
      return codes.includes('chain/inactive-prerequisite') && codes.includes('chain/missing-prerequisite');
    }, 'chain findings for the disabled and the deleted prerequisite');
    await client.shutdown();
  });
});
