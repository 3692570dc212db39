// Which format an open document is read as while it is typed and edited: a document of Preloop keys
// only (`version:` alone, a lone `tools:` list) is a Preloop document, as lint reads the same text
// (docs/decisions/adoption.md). An empty document is offered a skeleton per format. One server
// process, spawned from dist/server.js, over real JSON-RPC.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LspClient, type PublishDiagnosticsParams } from './client';

type Symbol = { name: string; detail?: string };
type Item = { label: string; detail?: string };

const client = new LspClient();

before(async () => {
  await client.initialize({ rootUri: 'file:///ws' });
});

after(async () => {
  assert.equal(await client.shutdown(), 0);
});

const messages = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => `${d.code}: ${d.message}`);

async function rootDetail(uri: string): Promise<string | undefined> {
  const symbols = await client.request<Symbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  return symbols[0]?.detail;
}

async function labels(uri: string): Promise<string[]> {
  const r = await client.request<{ items: Item[] } | Item[]>('textDocument/completion', {
    textDocument: { uri },
    position: { line: 0, character: 0 },
  });
  return (Array.isArray(r) ? r : r.items).map((i) => i.label);
}

describe('lsp: the dialect of a document being written', () => {
  for (const [name, text] of [
    ['version', 'version: "1.0"\n'],
    ['tools', 'tools:\n  - name: bash\n'],
    ['metadata', 'metadata:\n  name: x\n'],
  ]) {
    it(`a new file of Preloop keys only (${name}) is a Preloop document`, async () => {
      const uri = `file:///ws/policies/new-${name}.yaml`;
      const published = client.waitForDiagnostics(uri, 1);
      client.open(uri, text);
      const found = messages(await published);
      assert.ok(
        found.every((m) => m === 'schema/required: missing required property "metadata"'),
        found.join('\n'),
      );
      assert.match((await rootDetail(uri)) ?? '', /^Preloop policy document/);
      client.close(uri);
    });
  }

  it('an open Preloop document whose edits leave Preloop keys only stays one, as lint reads it', async () => {
    const uri = 'file:///ws/policies/ops.yaml';
    const opened = client.waitForDiagnostics(uri, 1);
    client.open(uri, 'version: "1.0"\nmetadata: {name: ops}\ntools:\n  - name: bash\n');
    assert.deepEqual(messages(await opened), []);
    // Lines 2–4 deleted (the field test's flip to five Execlave errors): `version` alone is Preloop's.
    let version = client.change(uri, 'version: "1.0"\n');
    const edited = messages(await client.waitForDiagnostics(uri, version));
    assert.ok(!edited.some((m) => /policyType/.test(m)), edited.join('\n'));
    assert.match((await rootDetail(uri)) ?? '', /^Preloop policy document/);
    // Content that names another format is that format.
    version = client.change(uri, 'denied_actions: [shell]\n');
    await client.waitForDiagnostics(uri, version);
    assert.match((await rootDetail(uri)) ?? '', /^Agent Sentinel policy/);
    client.close(uri);
  });

  it('an empty file is offered a skeleton per format, unless its name decides', async () => {
    const uri = 'file:///ws/policies/empty.yaml';
    const published = client.waitForDiagnostics(uri, 1);
    client.open(uri, '');
    await published;
    assert.deepEqual(
      (await labels(uri)).filter((l) => l.startsWith('new ')),
      [
        'new Execlave policy bundle',
        'new Preloop policy document',
        'new Agent Sentinel policy',
        'new Agent Sentinel compile request',
      ],
    );
    client.close(uri);
    const cg = 'file:///ws/policies/callguard.yaml';
    const cgPublished = client.waitForDiagnostics(cg, 1);
    client.open(cg, '');
    await cgPublished;
    assert.deepEqual(
      (await labels(cg)).filter((l) => l.startsWith('new ')),
      ['new Agent Sentinel callguard.yaml'],
    );
    client.close(cg);
  });
});
