// The policies open in the editor travel with `initialize` (protocol `openDocuments`): the server
// publishes their diagnostics right after its answer, before the client sends `initialized` or
// `didOpen` (docs/decisions/extension.md, "Activation time", sixth round). What the client then
// sees must be what `didOpen` alone would have given; a client that sends no such option (Neovim)
// sees no change.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import {
  createProtocolConnection,
  InitializeRequest,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type PublishDiagnosticsParams as ProtocolDiagnostics,
} from 'vscode-languageserver-protocol/node';
import { OPEN_DOCUMENTS_MAX_CHARS } from '../../server/src/protocol/initialization';
import { idle, serveInProcess, startInProcess, type InProcessServer } from '../support/inProcess';
import type { LspClient, PublishDiagnosticsParams } from './client';

const POLICY = 'name: guard\npolicyType: pii_access\nenforcementMode: blok\nruleDefinition: {}\n';
const FIXED = POLICY.replace('blok', 'block');
const URI = 'file:///ws/policies/guard.yaml';
const CAPABILITIES = {
  workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: false } },
  textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } },
};

const item = (text = POLICY, uri = URI, languageId = 'policylens-yaml', version = 1) => ({
  uri,
  languageId,
  version,
  text,
});

/** `initialize` alone, as the VS Code client sends it: `initialized` is the test's to send. */
function initializeOnly(client: LspClient, openDocuments: unknown, policyLanguages = true) {
  return client.request('initialize', {
    processId: null,
    rootUri: 'file:///ws',
    workspaceFolders: [{ uri: 'file:///ws', name: 'ws' }],
    capabilities: CAPABILITIES,
    initializationOptions: { trusted: true, policyLanguages, openDocuments },
  });
}

const codes = (p: PublishDiagnosticsParams | undefined) => p?.diagnostics.map((d) => d.code);

describe('open policies sent with initialize (openDocuments)', () => {
  const servers: InProcessServer[] = [];
  const start = (files: Record<string, string> = { '/ws/policies/guard.yaml': POLICY }) => {
    const s = startInProcess({ files });
    servers.push(s);
    return s;
  };
  after(async () => {
    for (const s of servers) await s.client.shutdown();
  });
  const published = (s: InProcessServer, uri = URI) => s.client.diagnostics.filter((p) => p.uri === uri);

  /** The diagnostics `didOpen` gives without the option: what the early ones must equal. */
  async function byDidOpen(text: string): Promise<PublishDiagnosticsParams> {
    const s = start();
    await s.client.initialize({ rootUri: 'file:///ws', capabilities: CAPABILITIES });
    s.client.open(URI, text, 'policylens-yaml');
    return s.client.waitForDiagnostics(URI, 1);
  }

  it('publishes before `initialized`, equal to didOpen’s, and the same didOpen adds nothing', async () => {
    const s = start();
    await initializeOnly(s.client, [item()]);
    // Nothing but `initialize` was sent: these diagnostics cannot come from a didOpen.
    const early = await s.client.waitForDiagnostics(URI);
    assert.equal(early.version, 1);
    assert.deepEqual(codes(early), ['schema/enum']);
    assert.deepEqual(early, await byDidOpen(POLICY));

    s.client.notify('initialized', {});
    s.client.open(URI, POLICY, 'policylens-yaml');
    await idle(s);
    assert.equal(
      published(s).length,
      1,
      'the same text opened again is neither analysed nor published again',
    );
    assert.ok(
      s.client.logs.some((l) =>
        /first document opened at \d+ ms \(policylens-yaml, sent with initialize\)/.test(l),
      ),
      s.client.logs.join('\n'),
    );
    // The document the server holds is the client's from now on: its edits apply to it.
    const v2 = s.client.change(URI, FIXED);
    assert.deepEqual(codes(await s.client.waitForDiagnostics(URI, v2)), []);
  });

  it('a didOpen with another text wins over the one sent with initialize', async () => {
    const s = start();
    await initializeOnly(s.client, [item()]);
    assert.deepEqual(codes(await s.client.waitForDiagnostics(URI)), ['schema/enum']);
    s.client.notify('initialized', {});
    // Edited between the two messages (a new version), or the same version with another text.
    s.client.open(URI, FIXED, 'policylens-yaml');
    await idle(s);
    assert.deepEqual(codes(published(s).at(-1)), []);
    assert.deepEqual(published(s).at(-1), await byDidOpen(FIXED));
  });

  it('one the client closes without opening it (closed meanwhile) is cleared', async () => {
    const s = start();
    await initializeOnly(s.client, [item()]);
    await s.client.waitForDiagnostics(URI);
    s.client.notify('initialized', {});
    s.client.close(URI);
    await idle(s);
    assert.deepEqual(published(s).at(-1)?.diagnostics, []);
  });

  it('a client without the option (Neovim) gets nothing before its didOpen, as before', async () => {
    const s = start();
    await initializeOnly(s.client, undefined, false);
    s.client.notify('initialized', {});
    await idle(s);
    assert.deepEqual(published(s), []);
    s.client.open(URI, POLICY);
    assert.deepEqual(await s.client.waitForDiagnostics(URI, 1), await byDidOpen(POLICY));
  });

  it('takes only well-formed documents in our language ids, within the budget', async () => {
    const big = `${POLICY}# ${'x'.repeat(OPEN_DOCUMENTS_MAX_CHARS)}\n`;
    const uri = (name: string) => `file:///ws/policies/${name}.yaml`;
    for (const bad of [42, 'guard.yaml', { uri: URI }, [null, 7, { uri: URI, text: POLICY }]]) {
      const s = start();
      await initializeOnly(s.client, bad);
      s.client.notify('initialized', {});
      await idle(s);
      assert.deepEqual(s.client.diagnostics, [], JSON.stringify(bad));
    }
    const s = start();
    await initializeOnly(s.client, [
      item(POLICY, uri('as-yaml'), 'yaml'),
      item(big, uri('big')),
      item(POLICY, uri('small')),
      item(POLICY, uri('fraction'), 'policylens-yaml', 1.5),
    ]);
    await idle(s);
    assert.deepEqual(
      s.client.diagnostics.map((p) => p.uri),
      [uri('small')],
      'a `yaml` one (the server would have to ask to switch it), one over the budget, and one without a whole version wait for didOpen',
    );
    assert.deepEqual(
      s.client.serverRequests.map((r) => r.method),
      [],
      'no request reaches the client before `initialized`',
    );
  });
});

describe('the client library receives the publication that follows the initialize answer', () => {
  /**
   * Drives an in-process server with vscode-jsonrpc, the library of the VS Code client, in the order
   * of its `doInitialize`: `await` the answer, then register the diagnostics handler. The server's
   * output is held until the diagnostics are written and then delivered in one chunk, the worst
   * case (a busy extension host reads both messages at once): the library handles one message per
   * turn of the event loop, and what the code after the `await` does comes first.
   */
  async function run(registerLate: boolean): Promise<{ received: ProtocolDiagnostics[]; dropped: string[] }> {
    const server = serveInProcess({ files: { '/ws/policies/guard.yaml': POLICY } });
    const held = new PassThrough();
    const chunks: Buffer[] = [];
    let released = false;
    const release = () => {
      released = true;
      held.write(Buffer.concat(chunks));
    };
    // A hang guard, not a timing: a server that never publishes is let through, and fails below.
    const guard = setTimeout(release, 10_000);
    server.transport.output.on('data', (chunk: Buffer) => {
      if (released) return void held.write(chunk);
      chunks.push(chunk);
      if (!Buffer.concat(chunks).includes('textDocument/publishDiagnostics')) return;
      clearTimeout(guard);
      release();
    });
    const connection = createProtocolConnection(
      new StreamMessageReader(held),
      new StreamMessageWriter(server.transport.input),
    );
    const received: ProtocolDiagnostics[] = [];
    const dropped: string[] = [];
    connection.onUnhandledNotification((n) => dropped.push(n.method));
    connection.listen();
    try {
      await connection.sendRequest(InitializeRequest.type, {
        processId: null,
        rootUri: 'file:///ws',
        workspaceFolders: null,
        capabilities: CAPABILITIES,
        initializationOptions: { trusted: true, policyLanguages: true, openDocuments: [item()] },
      });
      // The control: a client that registers its handler one turn later loses the notification.
      if (registerLate) await new Promise((r) => setImmediate(r));
      connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
        received.push(p);
      });
      for (
        let i = 0;
        i < 1000 && !received.length && !dropped.includes(PublishDiagnosticsNotification.method);
        i++
      )
        await new Promise((r) => setImmediate(r));
      return { received, dropped: dropped.filter((m) => m === PublishDiagnosticsNotification.method) };
    } finally {
      clearTimeout(guard);
      connection.dispose();
      server.transport.kill();
    }
  }

  it('registered as vscode-languageclient does, right after the answer: received', async () => {
    const { received, dropped } = await run(false);
    assert.deepEqual(dropped, []);
    assert.deepEqual(
      received.map((p) => [p.uri, p.version, p.diagnostics.map((d) => d.code)]),
      [[URI, 1, ['schema/enum']]],
    );
  });

  it('registered one turn later: dropped (the case above is not a matter of luck)', async () => {
    const { received, dropped } = await run(true);
    assert.deepEqual(received, []);
    assert.deepEqual(dropped, [PublishDiagnosticsNotification.method]);
  });
});
