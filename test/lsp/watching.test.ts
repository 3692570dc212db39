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
  mkdirSync(join(root, 'docs'));
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

// Only the folders that held policy files at the start were watched: a policy written into `docs/`,
// which held none, was never read until a restart.
it('reads a policy written into a folder that held none', async () => {
  const client = spawned!;
  const a = fileUri(join(root, 'policies', 'a.yaml'));
  const codes = (p: { diagnostics: { code?: unknown }[] }) => p.diagnostics.map((d) => d.code);
  // The last test ended with `groups/` closing a cycle: it goes, and so does the cycle.
  rmSync(join(root, 'groups'), { recursive: true });
  await client.waitForDiagnosticsWhere(a, (p) => !codes(p).includes('chain/cycle'));
  writeFileSync(join(root, 'docs', 'd.yaml'), bundle('policy-b', ['policy-a']));
  await client.waitForDiagnosticsWhere(a, (p) => codes(p).includes('chain/cycle'));
});

// A client that announces dynamic registration but answers the registration with an error (field
// test 4): the server logged the failure and never saw a file changed on disk.
it('watches the workspace itself when the client refuses the registration', async () => {
  const ws = join(top, 'refused');
  mkdirSync(join(ws, 'policies'), { recursive: true });
  writeFileSync(join(ws, 'policies', 'a.yaml'), bundle('policy-a', ['policy-b']));
  writeFileSync(join(ws, 'policies', 'b.yaml'), bundle('policy-b', ['policy-a']));
  const client = new LspClient(['--stdio'], { PATH: process.env.PATH ?? '' });
  client.handlers.set('client/registerCapability', () => {
    throw Object.assign(new Error('client refuses'), { code: -32603 });
  });
  try {
    await client.initialize({
      rootUri: fileUri(ws),
      capabilities: {
        ...REDUCED,
        workspace: { ...REDUCED.workspace, didChangeWatchedFiles: { dynamicRegistration: true } },
      },
    });
    const a = fileUri(join(ws, 'policies', 'a.yaml'));
    client.open(a, bundle('policy-a', ['policy-b']));
    const codes = (p: { diagnostics: { code?: unknown }[] }) => p.diagnostics.map((d) => d.code);
    await client.waitForDiagnosticsWhere(a, (p) => codes(p).includes('chain/cycle'));
    await client.until(
      () => client.logs.some((l) => /the server watches \d+ folders \(the client refused to\)/.test(l)),
      'the server watching',
    );
    writeFileSync(join(ws, 'policies', 'b.yaml'), bundle('policy-b'));
    await client.waitForDiagnosticsWhere(a, (p) => !codes(p).includes('chain/cycle'));
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${client.logs.join('\n')}`);
  } finally {
    client.kill();
  }
});

// Past the bound of watched folders, nothing was followed: the folders there are polled now.
it('polls the folders past the bound of watched ones', async () => {
  const wide = join(top, 'wide');
  mkdirSync(join(wide, 'policies'), { recursive: true });
  // Breadth first, the 1,100 folders under `many/` take the watches; `z/deep/er` comes after them.
  for (let i = 0; i < 1100; i++) mkdirSync(join(wide, 'many', `f${i}`), { recursive: true });
  mkdirSync(join(wide, 'z', 'deep', 'er'), { recursive: true });
  writeFileSync(join(wide, 'policies', 'a.yaml'), bundle('policy-a', ['policy-b']));
  writeFileSync(join(wide, 'policies', 'b.yaml'), bundle('policy-b'));
  await cycleOncePolled([wide], join(wide, 'policies', 'a.yaml'), join(wide, 'z', 'deep', 'er', 'c.yaml'));
});

// With two workspace folders, the second one's own folder was watched only if a watch was left:
// when the first took all 1,024, a policy written at the top of the second was never seen.
it('follows a second workspace folder when the first took every watch', async () => {
  const first = join(top, 'first');
  const second = join(top, 'second');
  mkdirSync(second, { recursive: true });
  for (let i = 0; i < 1030; i++) {
    mkdirSync(join(first, `f${i}`), { recursive: true });
    writeFileSync(join(first, `f${i}`, 'p.yaml'), bundle(`filler-${i}`));
  }
  writeFileSync(join(first, 'f0', 'a.yaml'), bundle('policy-a', ['policy-b']));
  writeFileSync(join(first, 'f1', 'b.yaml'), bundle('policy-b'));
  await cycleOncePolled([first, second], join(first, 'f0', 'a.yaml'), join(second, 'c.yaml'));
});

/**
 * Starts a server on the workspace folders `roots` (past the watch bound), opens the policy `open`
 * (policy-a, whose prerequisite policy-b has none), waits until the server polls, then writes at
 * `write` a policy-b that names policy-a: the cycle must show in `open`'s diagnostics.
 */
async function cycleOncePolled(roots: string[], open: string, write: string): Promise<void> {
  const client = new LspClient(['--stdio'], { PATH: process.env.PATH ?? '' });
  try {
    const [rootUri, ...moreFolders] = roots.map(fileUri);
    await client.initialize({ rootUri, moreFolders, capabilities: REDUCED });
    const a = fileUri(open);
    client.open(a, bundle('policy-a', ['policy-b']));
    const codes = (p: { diagnostics: { code?: unknown }[] }) => p.diagnostics.map((d) => d.code);
    await client.waitForDiagnosticsWhere(a, (p) => !codes(p).includes('chain/cycle'));
    await client.until(
      () => client.logs.some((l) => /watches 1024 folders and polls \d+/.test(l)),
      'the polling',
    );
    writeFileSync(write, bundle('policy-b', ['policy-a']));
    await client.waitForDiagnosticsWhere(a, (p) => codes(p).includes('chain/cycle'));
  } catch (e) {
    // The server's log says how many folders it watched and polled.
    throw new Error(`${(e as Error).message}\n${client.logs.join('\n')}`);
  } finally {
    client.kill();
  }
}
