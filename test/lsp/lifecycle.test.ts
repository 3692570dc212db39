// The server's lifecycle on the wire, as the LSP specification has it (field test 4): a request
// before `initialize` is an error -32002 (ServerNotInitialized) and a notification then is dropped;
// a second `initialize` is refused; after `shutdown` a request is an error -32600 (InvalidRequest)
// and a notification (didOpen) is ignored; `exit` still ends the process with 0. The built server,
// spawned, over stdio: the gate sits in the connection that dist/server.js creates.
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { LspClient } from './client';

const client = new LspClient();
after(() => client.kill());

const hover = (uri: string) =>
  client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } });

async function errorOf(request: Promise<unknown>): Promise<number | undefined> {
  try {
    await request;
    return undefined;
  } catch (e) {
    return (e as { code?: number }).code;
  }
}

/** Whether `uri` gets diagnostics within `ms` (a notification the server should have ignored). */
async function published(uri: string, ms: number): Promise<boolean> {
  return client
    .until(() => client.diagnostics.some((p) => p.uri === uri), uri, ms)
    .then(
      () => true,
      () => false,
    );
}

const POLICY = 'version: "1.0"\nmetadata: {name: x}\ntools: [{name: t, approval_workflow: nowhere}]\n';

it('refuses what comes before initialize and after shutdown', async () => {
  const early = 'file:///ws/policies/early.yaml';
  assert.equal(await errorOf(hover(early)), -32002);
  client.open(early, POLICY);

  await client.initialize({ rootUri: 'file:///ws' });
  assert.equal(
    await errorOf(client.request('initialize', { processId: null, rootUri: null, capabilities: {} })),
    -32600,
  );
  // The didOpen sent before initialize was dropped: the document is not open.
  assert.equal(await published(early, 1000), false);
  const open = 'file:///ws/policies/open.yaml';
  client.open(open, POLICY);
  assert.equal(await published(open, 10_000), true);

  await client.request('shutdown', null);
  assert.equal(await errorOf(hover(open)), -32600);
  assert.equal(await errorOf(client.request('shutdown', null)), -32600);
  const late = 'file:///ws/policies/late.yaml';
  client.open(late, POLICY);
  assert.equal(await published(late, 1500), false);
  client.notify('exit', null);
  assert.equal(await client.exited, 0);
});
