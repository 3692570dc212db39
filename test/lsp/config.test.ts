import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileUri, LspClient } from './client';

/**
 * The language server obeys the workspace's policylens.config.yaml as lint does (severities, codes
 * turned off, excluded files), shows the config's own problems on it, and follows it when it
 * changes on disk (workspace/didChangeWatchedFiles).
 */
describe('policylens.config.yaml in the editor', () => {
  let client: LspClient;
  let root: string;
  const configPath = () => join(root, 'policylens.config.yaml');
  const codes = (d: { diagnostics: { code?: unknown; severity?: number }[] }) =>
    d.diagnostics.map((x) => `${String(x.code)}:${x.severity}`).sort();
  const bundle = (name: string) =>
    `name: ${name}\npolicyType: cost_limit\nenforcementMode: block\nruleDefinition: {daily_budget: 5}\nowner: me\n`;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'pl-lsp-config-'));
    mkdirSync(join(root, 'policies', 'drafts'), { recursive: true });
    writeFileSync(configPath(), "rules:\n  schema/unknown-key: warning\nexclude: ['**/drafts/**']\n");
    client = new LspClient();
    await client.initialize({ rootUri: fileUri(root) });
  });
  after(async () => {
    await client.shutdown();
    rmSync(root, { recursive: true, force: true });
  });

  it('applies the severities, leaves excluded files alone, and reloads on change', async () => {
    const uri = fileUri(join(root, 'policies', 'a.yaml'));
    // The config is read once `initialized` arrived: wait for the warning it asks for.
    const warned = client.waitForDiagnosticsWhere(uri, (p) => codes(p).join() === 'schema/unknown-key:2');
    client.open(uri, bundle('a'));
    await warned;

    const draft = fileUri(join(root, 'policies', 'drafts', 'b.yaml'));
    // An excluded file is not a policy file: nothing is published for it. A document opened after it
    // is analysed after it, so once that one's diagnostics arrive, the draft's would have too.
    client.open(draft, bundle('b'));
    const later = fileUri(join(root, 'policies', 'c.yaml'));
    const laterDiagnostics = client.waitForDiagnostics(later, 1);
    client.open(later, bundle('c'));
    await laterDiagnostics;
    assert.deepEqual(
      client.diagnostics.filter((p) => p.uri === draft && p.diagnostics.length),
      [],
      'an excluded file has no findings',
    );

    writeFileSync(configPath(), "rules:\n  schema/unknown-key: off\nexclude: ['**/drafts/**']\n");
    const silenced = client.waitForDiagnosticsWhere(uri, (p) => p.diagnostics.length === 0);
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(configPath()), type: 2 }] });
    await silenced;
  });

  it('shows a config problem on the config file, with a did-you-mean', async () => {
    writeFileSync(configPath(), 'rules:\n  schema/enm: off\n');
    const shown = client.waitForDiagnostics(fileUri(configPath()));
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(configPath()), type: 2 }] });
    const d = await shown;
    assert.equal(d.diagnostics.length, 1);
    assert.match(d.diagnostics[0]!.message, /unknown rule "schema\/enm"; did you mean "schema\/enum"\?/);
    assert.equal(d.diagnostics[0]!.range.start.line, 1);
  });

  it('shows a glob that picomatch cannot read as a problem of the config, on the glob', async () => {
    // A glob over picomatch's 65,536 characters threw while the config was compiled: the server
    // logged "reading policylens.config.yaml failed", showed nothing on the file, and went on with
    // the config it had before.
    const long = 'a'.repeat(70_000);
    writeFileSync(configPath(), `rules:\n  schema/unknown-key: warning\nexclude:\n  - '${long}'\n`);
    const shown = client.waitForDiagnosticsWhere(fileUri(configPath()), (p) => p.diagnostics.length > 0);
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(configPath()), type: 2 }] });
    const d = await shown;
    assert.deepEqual(
      d.diagnostics.map((x) => [x.message, x.range.start.line, x.range.start.character]),
      [['exclude: the glob has 70000 characters; at most 1024 are read', 3, 4]],
    );
    assert.deepEqual(
      client.logs.filter((l) => /failed/.test(l)),
      [],
    );
  });
});

describe('the config search stops at the repository root', () => {
  let client: LspClient;
  let root: string;
  const bundle = (name: string) =>
    `name: ${name}\npolicyType: cost_limit\nenforcementMode: block\nruleDefinition: {daily_budget: 5}\n`;

  before(async () => {
    // A config in the folder above a checkout (a home directory, a folder of many repositories)
    // that excludes everything in the repository: the editor used to apply it.
    root = mkdtempSync(join(tmpdir(), 'pl-lsp-above-'));
    mkdirSync(join(root, 'repo', '.git'), { recursive: true });
    mkdirSync(join(root, 'repo', 'policies'), { recursive: true });
    writeFileSync(join(root, 'policylens.config.yaml'), "exclude: ['repo/**']\n");
    writeFileSync(join(root, 'repo', 'policies', 'a.yaml'), bundle('a'));
    client = new LspClient();
    await client.initialize({ rootUri: fileUri(join(root, 'repo')) });
  });
  after(async () => {
    await client.shutdown();
    rmSync(root, { recursive: true, force: true });
  });

  it('ignores a config above the folder that holds .git', async () => {
    // The chain order waits for the workspace scan, which waits for the configs to be read.
    const order = await client.request<{ entries: { name: string }[] }>('policyLens/chainOrder', {});
    assert.deepEqual(
      order.entries.map((e) => e.name),
      ['a'],
    );
  });
});
