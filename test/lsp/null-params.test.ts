// A request whose params are null, missing or not an object is answered with InvalidParams (-32602)
// naming the method, and the server keeps serving; a notification without its params is ignored and
// logged (third LSP field test: `"params": null` was an internal error, -32603). Every request the
// server serves is sent: the LSP methods of the capabilities it announces, and the client-to-server
// requests of protocol/. The built server, spawned, over stdio: the check sits in its connection.
import assert from 'node:assert/strict';
import { RequestType } from 'vscode-languageserver-protocol';
import { after, it } from 'node:test';
import * as protocol from '../../server/src/protocol/index';
import { LspClient } from './client';

/** The methods behind each capability the server announces (a new capability must be added here). */
const METHODS_OF: Record<string, (cap: Record<string, unknown>) => string[]> = {
  textDocumentSync: () => [],
  workspace: () => [],
  completionProvider: (c) => [
    'textDocument/completion',
    ...(c.resolveProvider ? ['completionItem/resolve'] : []),
  ],
  hoverProvider: () => ['textDocument/hover'],
  codeActionProvider: (c) => [
    'textDocument/codeAction',
    ...(c.resolveProvider ? ['codeAction/resolve'] : []),
  ],
  executeCommandProvider: () => ['workspace/executeCommand'],
  documentSymbolProvider: () => ['textDocument/documentSymbol'],
  foldingRangeProvider: () => ['textDocument/foldingRange'],
  codeLensProvider: (c) => ['textDocument/codeLens', ...(c.resolveProvider ? ['codeLens/resolve'] : [])],
  definitionProvider: () => ['textDocument/definition'],
  referencesProvider: () => ['textDocument/references'],
  renameProvider: (c) => [
    'textDocument/rename',
    ...(c.prepareProvider ? ['textDocument/prepareRename'] : []),
  ],
};

/** protocol/'s requests that the server sends to the client, not the other way. */
const TO_THE_CLIENT = new Set([protocol.AdoptDocumentRequest.method]);

const client = new LspClient();
after(() => client.kill());

async function errorOf(request: Promise<unknown>): Promise<{ code?: number; message?: string } | undefined> {
  try {
    await request;
    return undefined;
  } catch (e) {
    return e as { code?: number; message?: string };
  }
}

const hover = (uri: string) =>
  client.request('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 3 } });

it('answers a request without its params object with InvalidParams, and keeps serving', async () => {
  // `initialize` itself: refused, and the server is still waiting for a proper one.
  assert.equal((await errorOf(client.request('initialize', null)))?.code, -32602);
  const { capabilities } = await client.initialize({ rootUri: 'file:///ws' });

  const methods: string[] = [];
  for (const [key, value] of Object.entries(capabilities)) {
    const of = METHODS_OF[key];
    assert.ok(of, `the test knows the methods of the capability ${key}`);
    methods.push(...of(typeof value === 'object' && value ? (value as Record<string, unknown>) : {}));
  }
  for (const value of Object.values(protocol))
    if (value instanceof RequestType && !TO_THE_CLIENT.has(value.method)) methods.push(value.method);
  assert.ok(methods.length >= 15, `${methods.length} requests`);

  for (const method of methods)
    for (const params of [null, undefined, [], 'x', 7]) {
      const error = await errorOf(client.request(method, params));
      assert.equal(error?.code, -32602, `${method} with params ${JSON.stringify(params)}: ${error?.message}`);
      assert.ok(error?.message?.startsWith(`${method} needs its params object, got `), error?.message);
    }

  // Notifications without params: ignored and logged, the server still up and serving.
  const notifications = [
    'textDocument/didOpen',
    'textDocument/didChange',
    'textDocument/didClose',
    'textDocument/didSave',
    'workspace/didChangeConfiguration',
    'workspace/didChangeWatchedFiles',
    'workspace/didChangeWorkspaceFolders',
    'policyLens/setApiKey',
  ];
  for (const method of notifications) client.notify(method, null);
  // vscode-jsonrpc reads a cancellation before any gate can see it: it must not take the server down.
  client.notify('$/cancelRequest', null);
  const uri = 'file:///ws/policies/after.yaml';
  client.open(uri, 'version: "1.0"\nmetadata: {name: x}\ntools: [{name: t}]\n');
  await client.waitForDiagnostics(uri, 1);
  assert.notEqual(await hover(uri), undefined);
  for (const method of notifications)
    assert.ok(
      client.logs.some((l) =>
        l.includes(`a notification was ignored: ${method} needs its params object, got null`),
      ),
      `${method} logged`,
    );
  assert.ok(!client.logs.some((l) => /failed with message/.test(l)), client.logs.join('\n'));
  assert.equal(await client.shutdown(), 0);
});
