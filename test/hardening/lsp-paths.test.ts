import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileUri, LspClient, type PublishDiagnosticsParams } from '../lsp/client';
import { report } from './support/invariants';
import { indexed, timedRequest } from './support/lsp';
import { PEAK_LIMIT_MB, peakOfRunningMb } from './support/peak';

// The language server reads files of the workspace on its own: the scan, and file-watcher events.
// Named pipes must never be opened (a read waits for a writer: four such reads once held every
// thread of the pool, and every later read of a large file waited forever, so cross-file findings
// went stale), and a file above the index limit is never read at all.

const root = mkdtempSync(join(tmpdir(), 'policylens-lsp-paths-'));
const ws = join(root, 'ws');
const figures = { pipes: 0, peakMb: 0, rereads: 0 };
const serverEnv = { ...process.env, NODE_OPTIONS: '--max-old-space-size=512' };

after(() => {
  rmSync(root, { recursive: true, force: true });
  report(
    `${figures.pipes} named pipes announced to the language server, ${figures.rereads} re-reads of a file crossing the size limits seen in the findings, peak ${figures.peakMb} MB with a 400 MB sparse file in the workspace (bound ${PEAK_LIMIT_MB} MB)`,
  );
});

const bundle = (name: string, extra = '') =>
  `name: ${name}\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [search]\n${extra}`;
/** The same bundle padded with a comment to `bytes`: above 256 KB it took the thread pool before. */
const padded = (name: string, bytes: number) => {
  const text = bundle(name);
  return text + '#' + 'x'.repeat(Math.max(0, bytes - text.length - 2)) + '\n';
};

const missing = (p: PublishDiagnosticsParams) =>
  p.diagnostics.some((d) => d.code === 'chain/missing-prerequisite');

describe('the language server and the files of its workspace', () => {
  const client = new LspClient(['--stdio'], serverEnv);
  const dep = join(ws, 'policies', 'dep.yaml');
  const mainUri = fileUri(join(ws, 'policies', 'main.yaml'));

  before(async () => {
    mkdirSync(join(ws, 'policies'), { recursive: true });
    writeFileSync(dep, bundle('dep'));
    // Sparse: 400 MB by its size, no blocks on disk. The index reads files up to 512 KB.
    const t = spawnSync('truncate', ['-s', '400M', join(ws, 'policies', 'huge.json')]);
    assert.equal(t.status, 0, String(t.stderr));
    await client.initialize({ rootUri: fileUri(ws) });
    await indexed(client, fileUri(join(ws, 'policies', 'warmup.yaml')));
  });
  after(async () => {
    assert.equal(await client.shutdown(), 0);
  });

  it('a 400 MB file in the workspace is not read', () => {
    figures.peakMb = peakOfRunningMb(client.proc!.pid!);
    assert.ok(figures.peakMb <= PEAK_LIMIT_MB, `server peak ${figures.peakMb} MB after the scan`);
  });

  /** Rewrites dep.yaml, tells the server, and waits for main.yaml's findings to say `missing`. */
  async function rewrite(text: string, expectMissing: boolean, what: string): Promise<void> {
    writeFileSync(dep, text);
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(dep), type: 2 }] });
    const p = await client.waitForDiagnosticsWhere(mainUri, (x) => missing(x) === expectMissing);
    assert.equal(missing(p), expectMissing, what);
    figures.rereads++;
  }

  it('named pipes announced by the watcher block nothing; large files are re-read after them', async () => {
    client.open(mainUri, bundle('main', 'prerequisites: [dep]\n'));
    const first = await client.waitForDiagnostics(mainUri, 1);
    assert.equal(missing(first), false, 'dep.yaml declares dep');
    // More pipes than the thread pool has threads, each announced as created and as changed.
    const pipes = [0, 1, 2, 3, 4, 5].map((i) => join(ws, 'policies', `pipe${i}.yaml`));
    for (const p of pipes) spawnSync('mkfifo', [p]);
    figures.pipes = pipes.length;
    client.notify('workspace/didChangeWatchedFiles', {
      changes: pipes.flatMap((p) => [
        { uri: fileUri(p), type: 1 },
        { uri: fileUri(p), type: 2 },
      ]),
    });
    await timedRequest(client, 'textDocument/hover', {
      textDocument: { uri: mainUri },
      position: { line: 1, character: 3 },
    });
    // dep.yaml grows past 256 KB and names another policy: main's prerequisite is missing now.
    await rewrite(padded('other', 300 * 1024), true, 'a 300 KB dep.yaml naming "other" is read');
    await rewrite(bundle('dep'), false, 'a small dep.yaml naming "dep" again');
    // Past the index limit it leaves the index, and small again it comes back.
    await rewrite(padded('dep', 2 * 1024 * 1024), true, 'a 2 MB dep.yaml is out of the index');
    await rewrite(bundle('dep'), false, 'dep.yaml small again is read again');
    assert.ok(client.alive);
  });
});
