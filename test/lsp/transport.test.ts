// The server starts on both transports an editor uses: stdio (any LSP client) and Node IPC (the
// VS Code language client's default for a Node module), and it ends on shutdown + exit.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { describe, it } from 'node:test';
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
});
