// The server honours what a client says it can do. The reduced client below declares what
// Neovim 0.7's built-in client does (no snippets, no documentChanges, no file watching, progress
// shown); the full one is the default of test/lsp/client.ts (VS Code's capabilities). The server runs
// in this process (memory files, virtual clock); the test of its own file watching, which needs a real
// disk and a spawned server, is watching.test.ts.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { idle, startInProcess, type InProcessServer } from '../support/inProcess';
import type { LspClient } from './client';
import { REDUCED } from './reducedClient';

const WS = 'file:///ws';
const servers: InProcessServer[] = [];

/** A server in this process on a workspace at /ws (`files` by path under it). */
async function start(files: Record<string, string>, capabilities?: object): Promise<InProcessServer> {
  const s = startInProcess({
    files: Object.fromEntries(Object.entries(files).map(([name, text]) => [`/ws/${name}`, text])),
  });
  servers.push(s);
  await s.client.initialize({ rootUri: WS, ...(capabilities ? { capabilities } : {}) });
  return s;
}

const bundle = (name: string, prerequisites: string[] = []) =>
  `name: ${name}\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [a]\n` +
  (prerequisites.length ? `prerequisites: [${prerequisites.join(', ')}]\n` : '');

type Item = { label: string; insertTextFormat?: number; textEdit?: { newText: string } };

describe('client capabilities', () => {
  // At the end of this file's tests: the file runs in a group (scripts/test.mjs, SHARED), and its
  // servers must not outlive it.
  after(async () => {
    for (const s of servers) await s.client.shutdown();
  });

  it('completion is plain text for a client without snippetSupport, snippets for one with it', async () => {
    const uri = `${WS}/policies/new.yaml`;
    const text = 'name: x\n';
    const ask = async ({ client }: InProcessServer) => {
      client.open(uri, text);
      await client.waitForDiagnostics(uri, 1);
      const list = await client.request<{ items: Item[] }>('textDocument/completion', {
        textDocument: { uri },
        position: { line: 1, character: 0 },
      });
      return list.items;
    };
    const plain = await ask(await start({}, REDUCED));
    assert.ok(plain.length > 5, 'the keys are offered');
    for (const item of plain) {
      assert.notEqual(item.insertTextFormat, 2, `${item.label} is not a snippet`);
      assert.doesNotMatch(item.textEdit?.newText ?? '', /\$\{?\d/, `${item.label} has no tab stops`);
    }
    const byLabel = (items: Item[], label: string) => items.find((i) => i.label === label)?.textEdit?.newText;
    assert.equal(byLabel(plain, 'policyType'), 'policyType: injection_scan');
    assert.equal(byLabel(plain, 'ruleDefinition'), 'ruleDefinition: {}');

    const snippets = await ask(await start({}));
    assert.equal(snippets.find((i) => i.label === 'policyType')?.insertTextFormat, 2);
    assert.match(byLabel(snippets, 'policyType') ?? '', /^policyType: \$\{1\|injection_scan,/);
  });

  it('baseline policies: text edits and a message without documentChanges; an honest answer when nothing was made', async () => {
    type Result = { applied: boolean; created: string[]; unsaved?: boolean; message?: string };
    const run = (client: LspClient) =>
      client.request<Result>('workspace/executeCommand', {
        command: 'policyLens.addBaselinePolicies',
        arguments: [],
      });

    const reduced = (await start({}, REDUCED)).client;
    const result = await run(reduced);
    assert.equal(result.applied, true);
    assert.equal(result.unsaved, true);
    assert.equal(result.created.length, 5);
    const apply = reduced.serverRequests.find((r) => r.method === 'workspace/applyEdit')?.params as {
      edit: { changes?: Record<string, { newText: string }[]>; documentChanges?: unknown };
    };
    assert.equal(apply.edit.documentChanges, undefined, 'no documentChanges for a client without them');
    const uris = Object.keys(apply.edit.changes ?? {});
    assert.equal(uris.length, 5);
    assert.ok(uris.every((u) => /\/policies\/[a-z-]+\.yaml$/.test(u)));
    assert.match(Object.values(apply.edit.changes!)[0][0].newText, /^name: /);
    await reduced.until(
      () =>
        reduced.notifications.some(
          (n) =>
            n.method === 'window/showMessage' &&
            /save them to create the files/.test(JSON.stringify(n.params)),
        ),
      'a message saying the new buffers must be saved',
    );

    // A client that refuses the edit: nothing is reported as created.
    const refusing = (await start({}, REDUCED)).client;
    refusing.handlers.set('workspace/applyEdit', () => ({ applied: false }));
    const refused = await run(refusing);
    assert.deepEqual([refused.applied, refused.created], [false, []]);
    assert.match(refused.message ?? '', /nothing was created/);

    // A client that cannot apply edits at all is not asked, and is told so.
    const readOnly = (await start({}, { ...REDUCED, workspace: { configuration: true } })).client;
    const none = await run(readOnly);
    assert.deepEqual([none.applied, none.created], [false, []]);
    assert.match(none.message ?? '', /cannot apply workspace edits/);
    assert.equal(readOnly.serverRequests.filter((r) => r.method === 'workspace/applyEdit').length, 0);
  });

  it('registers workspace/didChangeWatchedFiles when it may, and a file changed on disk refreshes cycle findings', async () => {
    const watching = {
      ...REDUCED,
      workspace: { ...REDUCED.workspace, didChangeWatchedFiles: { dynamicRegistration: true } },
    };
    const s = await start(
      {
        'policies/a.yaml': bundle('policy-a', ['policy-b']),
        'policies/b.yaml': bundle('policy-b', ['policy-a']),
      },
      watching,
    );
    const { client } = s;
    await client.until(
      () => client.serverRequests.some((r) => r.method === 'client/registerCapability'),
      'a registration',
    );
    const reg = client.serverRequests.find((r) => r.method === 'client/registerCapability')!.params as {
      registrations: { method: string; registerOptions: { watchers: { globPattern: string }[] } }[];
    };
    assert.equal(reg.registrations[0].method, 'workspace/didChangeWatchedFiles');
    assert.equal(reg.registrations[0].registerOptions.watchers[0].globPattern, '**/*.{json,jsonc,yaml,yml}');

    const a = `${WS}/policies/a.yaml`;
    client.open(a, bundle('policy-a', ['policy-b']));
    const codes = (p: { diagnostics: { code?: unknown }[] }) => p.diagnostics.map((d) => d.code);
    await client.waitForDiagnosticsWhere(a, (p) => codes(p).includes('chain/cycle'));
    // b.yaml changes on disk (a checkout), not in the editor: the cycle is gone.
    const b = s.fs.write('/ws/policies/b.yaml', bundle('policy-b'));
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: b, type: 2 }] });
    await client.waitForDiagnosticsWhere(a, (p) => !codes(p).includes('chain/cycle'));
  });

  it('reports the workspace scan as work-done progress to a client that shows progress', async () => {
    const files = { 'policies/a.yaml': bundle('policy-a'), 'policies/b.yaml': bundle('policy-b') };
    const uri = `${WS}/policies/a.yaml`;
    const scan = async (capabilities: object) => {
      const { client } = await start(files, capabilities);
      client.open(uri, bundle('policy-a'));
      await client.waitForDiagnostics(uri, 1);
      await client.request('policyLens/chainOrder', {}); // waits for the scan
      return client;
    };
    const shown = await scan(REDUCED);
    const created = shown.serverRequests.find((r) => r.method === 'window/workDoneProgress/create');
    assert.ok(created, 'a progress token was created');
    const token = (created.params as { token: unknown }).token;
    await shown.until(
      () =>
        shown.notifications.some(
          (n) => n.method === '$/progress' && (n.params as { value: { kind: string } }).value.kind === 'end',
        ),
      'the progress ends',
    );
    const kinds = shown.notifications
      .filter((n) => n.method === '$/progress' && (n.params as { token: unknown }).token === token)
      .map((n) => (n.params as { value: { kind: string } }).value.kind);
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds.at(-1), 'end');

    const hidden = await scan({ ...REDUCED, window: {} });
    assert.equal(
      hidden.serverRequests.filter((r) => r.method === 'window/workDoneProgress/create').length,
      0,
    );
    assert.equal(hidden.notifications.filter((n) => n.method === '$/progress').length, 0);
  });

  it('every lens carries a command the client can run: informational ones the server’s no-op', async () => {
    const s = startInProcess({
      files: {
        '/ws/policies/a.yaml': bundle('policy-a'),
        '/ws/policies/b.yaml': bundle('policy-b', ['policy-a']),
      },
    });
    servers.push(s);
    const { client } = s;
    const init = await client.initialize({ rootUri: WS, capabilities: REDUCED });
    const serverCommands = (init.capabilities.executeCommandProvider as { commands: string[] }).commands;
    assert.ok(serverCommands.includes('policyLens.lens.displayOnly'));
    const uri = `${WS}/policies/b.yaml`;
    client.open(uri, bundle('policy-b', ['policy-a']));
    await client.waitForDiagnostics(uri, 1);
    type Lens = { command?: { title: string; command: string } };
    const chainLens = (ls: Lens[]) => ls.some((l) => l.command?.title.startsWith('evaluated'));
    let lenses = await client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
    // The chain lens needs the scan: asked again once the server has nothing left to do.
    for (let i = 0; i < 20 && !chainLens(lenses); i++) {
      await idle(s);
      lenses = await client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
    }
    assert.ok(chainLens(lenses), 'the chain lens');
    for (const lens of lenses) assert.ok(lens.command?.command, `"${lens.command?.title}" has a command id`);
    const chain = lenses.find((l) => l.command?.title.startsWith('evaluated'))!;
    assert.equal(chain.command?.command, 'policyLens.lens.displayOnly');
    assert.equal(
      await client.request('workspace/executeCommand', { command: chain.command?.command, arguments: [] }),
      null,
    );
  });
  it('the outline is flat (SymbolInformation, with containerName) for a client without hierarchical symbols', async () => {
    const uri = `${WS}/policies/ops.yaml`;
    const text = 'version: "1.0"\nmetadata:\n  name: ops\ntools:\n  - name: bash\n';
    type Flat = { name: string; location?: { uri: string }; containerName?: string; children?: unknown };
    const ask = async (capabilities: object) => {
      const { client } = await start({}, capabilities);
      client.open(uri, text);
      await client.waitForDiagnostics(uri, 1);
      return client.request<Flat[]>('textDocument/documentSymbol', { textDocument: { uri } });
    };
    const flat = await ask({
      textDocument: { documentSymbol: { hierarchicalDocumentSymbolSupport: false } },
    });
    assert.deepEqual(
      flat.map((s) => [s.name, s.containerName ?? null, s.location?.uri, 'children' in s]),
      [
        ['ops', null, uri, false],
        ['version', 'ops', uri, false],
        ['metadata', 'ops', uri, false],
        ['name', 'metadata', uri, false],
        ['tools', 'ops', uri, false],
        ['bash', 'tools', uri, false],
        ['name', 'bash', uri, false],
      ],
    );
    const tree = await ask({ textDocument: { documentSymbol: { hierarchicalDocumentSymbolSupport: true } } });
    assert.equal(tree.length, 1);
    assert.ok(tree[0].children);
  });
});
