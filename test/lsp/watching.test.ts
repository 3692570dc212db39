// The server watches the workspace folder itself for a client that cannot be asked to (Neovim 0.7
// declares no didChangeWatchedFiles): spawned `node dist/server.js --stdio` on a temporary folder,
// because the watching needs a real disk. The other client capabilities are tested in process
// (client-capabilities.test.ts).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { fileUri, LspClient } from './client';
import { REDUCED } from './reducedClient';

const top = mkdtempSync(join(tmpdir(), 'policylens-caps-'));
/** The workspace lies under a hidden folder, as `~/.local/src/…` does: only names below it count. */
const root = join(top, '.work', 'repo');
mkdirSync(root, { recursive: true });
/** Outside the workspace: where a folder is moved out to. */
const elsewhere = mkdtempSync(join(tmpdir(), 'policylens-caps-out-'));
let spawned: LspClient | undefined;
after(() => {
  spawned?.kill();
  rmSync(top, { recursive: true, force: true });
  rmSync(elsewhere, { recursive: true, force: true });
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

// The server watched only the folders it listed at the start: a folder created later was never
// read, and a folder moved away kept its bundles in the index under the old path.
it('follows folders created, moved out and moved in after the watching started', async () => {
  const client = spawned!;
  const a = fileUri(join(root, 'policies', 'a.yaml'));
  const codes = (p: { diagnostics: { code?: unknown }[] }) => p.diagnostics.map((d) => d.code);
  // A new folder, two levels deep, whose policy closes a cycle with the open one.
  mkdirSync(join(root, 'teams', 'new'), { recursive: true });
  writeFileSync(join(root, 'teams', 'new', 'c.yaml'), bundle('policy-b', ['policy-a']));
  await client.waitForDiagnosticsWhere(a, (p) => codes(p).includes('chain/cycle'));
  // Moved out of the workspace: its policy goes with it.
  renameSync(join(root, 'teams'), join(elsewhere, 'teams'));
  await client.waitForDiagnosticsWhere(a, (p) => !codes(p).includes('chain/cycle'));
  // Moved back in under another name: its policy is read at its new path.
  renameSync(join(elsewhere, 'teams'), join(root, 'groups'));
  await client.waitForDiagnosticsWhere(a, (p) => codes(p).includes('chain/cycle'));
});
