import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileUri, LspClient } from '../lsp/client';
import { HOSTILE, makeWorkspace, manyUnknownKeys } from './support/hostile';
import { report } from './support/invariants';
import {
  assertRangesInside,
  expectedDiagnostics,
  indexed,
  probes,
  timedRequest,
  visible,
} from './support/lsp';

// Hostile files opened in the real language server, a hostile workspace (50,000 files, a symlink
// loop, a file rewritten while the server reads it), and requests whose parameters make a handler
// throw. After each, the server is still up and answers.

const root = mkdtempSync(join(tmpdir(), 'policylens-lsp-hostile-'));
const counts = { files: 0, requests: 0, throwing: 0, serverDown: 0 };
const serverEnv = { ...process.env, NODE_OPTIONS: '--max-old-space-size=512' };

after(() => {
  rmSync(root, { recursive: true, force: true });
  report(
    `${counts.files} hostile files opened in the language server, ${counts.throwing} throwing requests answered with a fallback, ${counts.requests} requests answered, ${counts.serverDown} times the server was found down`,
  );
});

/** Every probe request answered within the bound: the server is up and not stuck. */
async function stillAnswering(client: LspClient, doc: TextDocument): Promise<void> {
  for (const [method, params] of probes(doc, Math.min(10, doc.getText().length))) {
    await timedRequest(client, method, params);
    counts.requests++;
  }
  if (!client.alive) counts.serverDown++;
  assert.ok(client.alive);
}

describe('hostile files opened in the language server', () => {
  const client = new LspClient(['--stdio'], serverEnv);
  before(async () => {
    mkdirSync(join(root, 'open', 'policies'), { recursive: true });
    await client.initialize({ rootUri: fileUri(join(root, 'open')) });
    await indexed(client, fileUri(join(root, 'open', 'policies', 'warmup.yaml')));
  });
  after(async () => {
    assert.equal(await client.shutdown(), 0);
  });

  // 100,000 findings are 100,000 diagnostics (30 MB of JSON-RPC): the engine and the CLI take
  // them, and the server gets a fifth of them, which keeps the run within its bounds on a loaded
  // machine while still being far past anything a real file has.
  const files = HOSTILE.map((h) => (h.fileName === 'many-keys.json' ? manyUnknownKeys(20_000) : h));
  for (const h of files) {
    it(`${h.name}: the lint findings, and the server keeps answering`, async () => {
      const fileName = join(root, 'open', 'policies', h.fileName);
      const uri = fileUri(fileName);
      // The editor decodes the bytes before the server sees them; invalid UTF-8 arrives replaced.
      const doc = TextDocument.create(
        uri,
        /\.json$/.test(fileName) ? 'json' : 'yaml',
        1,
        h.bytes().toString('utf8'),
      );
      client.open(uri, doc.getText());
      const published = await client.waitForDiagnostics(uri, 1);
      counts.files++;
      assertRangesInside(published.diagnostics, doc, h.name);
      assert.deepEqual(published.diagnostics.map(visible), expectedDiagnostics(doc, fileName));
      await stillAnswering(client, doc);
      client.close(uri);
    });
  }

  it('a request that throws inside its handler is logged and answered with a fallback', async () => {
    const uri = fileUri(join(root, 'open', 'policies', 'ok.yaml'));
    const doc = TextDocument.create(
      uri,
      'yaml',
      1,
      'name: ok\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [search]\n',
    );
    client.open(uri, doc.getText());
    await client.waitForDiagnostics(uri, 1);
    const td = { textDocument: { uri } };
    const here = { line: 0, character: 7 };
    // Parameters a confused client could send: each dereferences null deep inside a handler.
    const malformed: [string, unknown][] = [
      ['textDocument/hover', { ...td, position: null }],
      ['textDocument/codeAction', { ...td, range: null, context: null }],
      ['textDocument/documentSymbol', { textDocument: null }],
      ['textDocument/foldingRange', {}],
      ['textDocument/rename', { ...td, position: here, newName: null }],
      ['textDocument/references', { ...td, position: here, context: null }],
    ];
    for (const [method, params] of malformed) {
      const logged = client.logs.length;
      const answer = await timedRequest(client, method, params).catch((e: Error) => e);
      counts.throwing++;
      assert.ok(
        !(answer instanceof Error),
        `${method}: answered with an error instead of a fallback: ${answer}`,
      );
      assert.ok(
        client.logs.slice(logged).some((l) => /failed/.test(l)),
        `${method}: the exception was not logged (${client.logs.slice(logged).join(' | ')})`,
      );
    }
    await stillAnswering(client, doc);
    assert.equal(client.stderr, '');
  });
});

describe('a hostile workspace', () => {
  it('50,000 files, a symlink loop and a file rewritten in a loop: the server indexes and answers', async () => {
    const ws = join(root, 'ws');
    makeWorkspace(ws, 50_000, 10);
    // The hostile files lie in the workspace too: the server's chain scan reads them from disk.
    mkdirSync(join(ws, 'policies', 'hostile'));
    for (const h of HOSTILE) writeFileSync(join(ws, 'policies', 'hostile', h.fileName), h.bytes());
    const racing = join(ws, 'policies', 'racing.yaml');
    const valid =
      'name: racing\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [search]\n';
    writeFileSync(racing, valid);
    const writer = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs'); const c = ${JSON.stringify([valid, '', 'name: [', valid.repeat(50)])}; let i = 0;
         for (;;) fs.writeFileSync(${JSON.stringify(racing)}, c[i++ % c.length]);`,
      ],
      { stdio: 'ignore' },
    );
    const client = new LspClient(['--stdio'], serverEnv);
    try {
      await client.initialize({ rootUri: fileUri(ws) });
      const uri = fileUri(join(ws, 'policies', 'p0.yaml'));
      const doc = TextDocument.create(
        uri,
        'yaml',
        1,
        'name: policy-0\npolicyType: tool_call\nenforcementMode: block\nprerequisites: [policy-1]\nruleDefinition:\n  tools: [search]\n',
      );
      client.open(uri, doc.getText());
      await client.waitForDiagnostics(uri, 1);
      await indexed(client, fileUri(join(ws, 'policies', 'warmup.yaml')));
      // The scan got past the hostile files: the prerequisite resolves to the bundle on disk.
      const v = client.type(uri, '\n');
      const after = await client.waitForDiagnostics(uri, v);
      assert.deepEqual(
        after.diagnostics.map((d) => d.code),
        [],
        JSON.stringify(after.diagnostics),
      );
      // The editor reports the rewritten file as changed again and again while it is being written.
      for (let i = 0; i < 20; i++) {
        client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(racing), type: 2 }] });
        await timedRequest(client, 'textDocument/hover', {
          textDocument: { uri },
          position: { line: 0, character: 2 },
        });
        counts.requests++;
      }
      await stillAnswering(client, doc);
      assert.equal(client.stderr, '');
      assert.deepEqual(
        client.logs.filter((l) => /failed|unhandled/i.test(l)),
        [],
      );
      assert.equal(await client.shutdown(), 0);
    } finally {
      writer.kill();
      client.kill();
    }
  });
});
