// The server starts on both transports an editor uses: stdio (any LSP client) and Node IPC (the
// VS Code language client's default for a Node module), and it ends on shutdown + exit.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { describe, it } from 'node:test';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  IPCMessageReader,
  IPCMessageWriter,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { LspClient, SERVER_JS } from './client';

describe('lsp transports', () => {
  it('--stdio: initialize, requests on an unknown document, shutdown and exit', async () => {
    const client = new LspClient(['--stdio']);
    const init = await client.initialize();
    assert.ok(init.capabilities.completionProvider);
    assert.ok(init.capabilities.hoverProvider);
    assert.ok(init.capabilities.codeActionProvider);
    assert.ok(init.capabilities.documentSymbolProvider);
    assert.ok(init.capabilities.foldingRangeProvider);
    // Requests about a document the server does not know answer empty, never with an error.
    const td = { textDocument: { uri: 'file:///nowhere/policies/x.yaml' } };
    assert.equal(
      await client.request('textDocument/completion', { ...td, position: { line: 0, character: 0 } }),
      null,
    );
    assert.equal(
      await client.request('textDocument/hover', { ...td, position: { line: 0, character: 0 } }),
      null,
    );
    assert.deepEqual(await client.request('textDocument/documentSymbol', td), []);
    await assert.rejects(
      client.request('workspace/executeCommand', { command: 'no.such.command', arguments: [] }),
      /unknown command/,
    );
    assert.equal(await client.shutdown(), 0);
  });

  it('--node-ipc: answers initialize over the IPC channel', async () => {
    const child = fork(SERVER_JS, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    try {
      const result = await new Promise<{ capabilities: Record<string, unknown> }>((resolve, reject) => {
        child.on('message', (msg: { id?: number; result?: { capabilities: Record<string, unknown> } }) => {
          if (msg.id === 1 && msg.result) resolve(msg.result);
        });
        child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
        child.send({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: { processId: null, rootUri: null, capabilities: {} },
        });
      });
      assert.ok(result.capabilities.textDocumentSync);
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.send({ jsonrpc: '2.0', id: 2, method: 'shutdown', params: null });
      child.send({ jsonrpc: '2.0', method: 'exit', params: null });
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill();
    }
  });

  it('--node-ipc, driven as the VS Code client drives it: a policy sent with initialize is published before `initialized`', async () => {
    // The extension's transport and client library, in the order of vscode-languageclient's
    // doInitialize (decisions/extension.md, "Activation time", sixth round).
    const child = fork(SERVER_JS, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    connection.listen();
    const uri = 'file:///nowhere/policies/guard.yaml';
    const text = 'name: guard\npolicyType: pii_access\nenforcementMode: blok\nruleDefinition: {}\n';
    const received: PublishDiagnosticsParams[] = [];
    const waiting = new Map<number, (p: PublishDiagnosticsParams) => void>();
    /** The `count`-th publication, once it came (the timeout is a hang guard, not a timing). */
    const next = (count: number) =>
      received[count - 1]
        ? Promise.resolve(received[count - 1])
        : new Promise<PublishDiagnosticsParams>((resolve, reject) => {
            const guard = setTimeout(() => reject(new Error(`publication ${count} never came`)), 20_000);
            waiting.set(count, (p) => {
              clearTimeout(guard);
              resolve(p);
            });
          });
    try {
      await connection.sendRequest(InitializeRequest.type, {
        processId: null,
        rootUri: null,
        workspaceFolders: null,
        capabilities: {},
        initializationOptions: {
          trusted: true,
          policyLanguages: true,
          openDocuments: [{ uri, languageId: 'policylens-yaml', version: 1, text }],
        },
      });
      connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
        received.push(p);
        waiting.get(received.length)?.(p);
      });
      const early = await next(1);
      assert.deepEqual(
        [early.uri, early.version, early.diagnostics.map((d) => d.code)],
        [uri, 1, ['schema/enum']],
      );
      // The client's own messages follow; the document they open is the one the server holds.
      await connection.sendNotification(InitializedNotification.type, {});
      await connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: 'policylens-yaml', version: 1, text },
      });
      await connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version: 2 },
        contentChanges: [{ text: text.replace('blok', 'block') }],
      });
      const edited = await next(2);
      assert.deepEqual([edited.version, edited.diagnostics], [2, []]);
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
      assert.equal(await exited, 0);
    } finally {
      connection.dispose();
      if (child.exitCode === null) child.kill();
    }
  });
});
