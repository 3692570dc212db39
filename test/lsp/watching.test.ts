// The server watches the workspace folder itself for a client that cannot be asked to (Neovim 0.7
// declares no didChangeWatchedFiles): spawned `node dist/server.js --stdio` on a temporary folder,
// because the watching needs a real disk. The other client capabilities are tested in process
// (client-capabilities.test.ts).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { fileUri, LspClient } from './client';
import { REDUCED } from './reducedClient';

const root = mkdtempSync(join(tmpdir(), 'policylens-caps-'));
let spawned: LspClient | undefined;
after(() => {
  spawned?.kill();
  rmSync(root, { recursive: true, force: true });
});

const bundle = (name: string, prerequisites: string[] = []) =>
  `name: ${name}\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [a]\n` +
  (prerequisites.length ? `prerequisites: [${prerequisites.join(', ')}]\n` : '');

it('watches the workspace itself for a client that cannot be asked to, so on-disk changes still count', async () => {
  mkdirSync(join(root, 'policies'));
  writeFileSync(join(root, 'policies', 'a.yaml'), bundle('policy-a', ['policy-b']));
  writeFileSync(join(root, 'policies', 'b.yaml'), bundle('policy-b', ['policy-a']));
  const client = new LspClient(['--stdio'], { PATH: process.env.PATH ?? '' });
  spawned = client;
  await client.initialize({ rootUri: fileUri(root), capabilities: REDUCED });
  const a = fileUri(join(root, 'policies', 'a.yaml'));
  client.open(a, bundle('policy-a', ['policy-b']));
  const codes = (p: { diagnostics: { code?: unknown }[] }) => p.diagnostics.map((d) => d.code);
  await client.waitForDiagnosticsWhere(a, (p) => codes(p).includes('chain/cycle'));
  assert.equal(client.serverRequests.filter((r) => r.method === 'client/registerCapability').length, 0);
  await client.until(
    () => client.logs.some((l) => /the server watches \d+ folders/.test(l)),
    'the server watching',
  );
  // No didChangeWatchedFiles from this client: the server sees the write by itself.
  writeFileSync(join(root, 'policies', 'b.yaml'), bundle('policy-b'));
  await client.waitForDiagnosticsWhere(a, (p) => !codes(p).includes('chain/cycle'));
});
