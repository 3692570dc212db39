// The server asks the client for deletions of anything (a deleted folder is one event, which no file
// glob matches), so git's lock files, build outputs and node_modules reached every file-event
// listener: each burst re-ran the open test files, reset the coverage lens's walk and refreshed the
// lenses. Only the events a listener can act on go through now (server/src/lsp/fileEvents.ts):
// YAML/JSON files, .gitignore files, deletions of folders that hold a file the server knows.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { URI } from 'vscode-uri';
import { idle, startInProcess, type InProcessServer } from '../support/inProcess';

const bundle = (name: string) =>
  `name: ${name}\npolicyType: pii_access\nenforcementMode: block\nruleDefinition:\n  denied_pii_types: [ssn]\n`;

const uri = (path: string) => URI.file(path).toString();
const CREATED = 1;
const DELETED = 3;

const OPEN = '/ws/policies/a.yaml';
const TEST = '/ws/tests/a.policytest.yaml';
const TEST_TEXT = 'policies: ../policies/a.yaml\ncases: []\n';

const servers: InProcessServer[] = [];
after(async () => {
  for (const s of servers) await s.client.shutdown();
});

/**
 * A repository with a bundle open, another bundle of the same name under old/ and a test file open;
 * a client that refreshes lenses. Returns once the scan and every first run are done.
 */
async function start(): Promise<InProcessServer> {
  const files = {
    [OPEN]: bundle('dup'),
    '/ws/old/b.yaml': bundle('dup'),
    '/ws/old/deeper/c.yaml': bundle('dup'),
    [TEST]: TEST_TEXT,
    '/ws/.git/HEAD': 'ref: refs/heads/main\n',
    '/ws/.git/index.lock': '',
    '/ws/build/out.bin': '',
    '/ws/node_modules/pkg/index.js': '',
  };
  const s = startInProcess({ files });
  servers.push(s);
  await s.client.initialize({
    rootUri: 'file:///ws',
    capabilities: { workspace: { codeLens: { refreshSupport: true } } },
  });
  s.client.open(uri(OPEN), files[OPEN]);
  s.client.open(uri(TEST), TEST_TEXT);
  await s.client.request('policyLens/chainOrder', {});
  await idle(s);
  return s;
}

/** What the file-event listeners' work shows to the client. */
function work(s: InProcessServer) {
  return {
    testFileRuns: s.client.diagnostics.filter((p) => p.uri === uri(TEST)).length,
    lensRefreshes: s.client.serverRequests.filter((r) => r.method === 'workspace/codeLens/refresh').length,
    publications: s.client.diagnostics.length,
  };
}

function chainCodes(s: InProcessServer): string[] {
  const last = s.client.diagnostics.filter((p) => p.uri === uri(OPEN)).at(-1);
  return (last?.diagnostics ?? []).map((d) => String(d.code)).filter((c) => c.startsWith('chain/'));
}

/** Deletes the paths (files, or folders with everything under them) and sends one event each. */
async function deleteOnDisk(s: InProcessServer, paths: string[]): Promise<void> {
  for (const path of paths)
    for (const u of [...s.fs.files.keys()])
      if (u === uri(path) || u.startsWith(`${uri(path)}/`)) s.fs.files.delete(u);
  const changes = paths.map((path) => ({ uri: uri(path), type: DELETED }));
  s.client.notify('workspace/didChangeWatchedFiles', { changes });
  await idle(s);
}

/** Bursts of deletions that no listener can act on: none of their work may follow. */
const IGNORED: { why: string; deleted: string[] }[] = [
  { why: "git's lock files (every git command)", deleted: ['/ws/.git/index.lock', '/ws/.git/HEAD.lock'] },
  { why: 'a YAML file under .git', deleted: ['/ws/.git/rr-cache/x.yaml'] },
  {
    why: 'build outputs, and their folder',
    deleted: ['/ws/build/out.bin', '/ws/build/obj/x.o', '/ws/build'],
  },
  {
    why: 'node_modules',
    deleted: ['/ws/node_modules/pkg/index.js', '/ws/node_modules/pkg', '/ws/node_modules'],
  },
  {
    why: 'a flood of all of them (a checkout)',
    deleted: Array.from({ length: 2_000 }, (_, i) => `/ws/build/gen/f${i}.o`).concat('/ws/.git/index.lock'),
  },
];

describe('file events no listener can act on stop where they enter', () => {
  for (const c of IGNORED)
    it(c.why, async () => {
      const s = await start();
      assert.deepEqual(chainCodes(s), ['chain/duplicate-name']);
      const before = work(s);
      assert.ok(before.testFileRuns >= 1, 'the open test file was checked');
      await deleteOnDisk(s, c.deleted);
      assert.deepEqual(work(s), before);
    });
});

/** Deletions that change what the editor shows: handed on, and the findings follow. */
const HANDED_ON: { why: string; created?: string; deleted: string[]; codes: string[] }[] = [
  { why: 'a folder holding bundles (one event)', deleted: ['/ws/old'], codes: [] },
  { why: 'a subfolder and a file', deleted: ['/ws/old/deeper', '/ws/old/b.yaml'], codes: [] },
  { why: 'the bundles themselves', deleted: ['/ws/old/b.yaml', '/ws/old/deeper/c.yaml'], codes: [] },
  {
    // Created after the scan, so only the event told of the folder.
    why: 'a folder whose bundle was created after the scan',
    created: '/ws/new/d.yaml',
    deleted: ['/ws/old', '/ws/new'],
    codes: [],
  },
  {
    why: 'a folder holding only other bundles keeps the rest',
    deleted: ['/ws/old/deeper'],
    codes: ['chain/duplicate-name'],
  },
];

describe('deletions that can matter are handed on', () => {
  for (const c of HANDED_ON)
    it(c.why, async () => {
      const s = await start();
      if (c.created) {
        s.fs.write(c.created, bundle('dup'));
        s.client.notify('workspace/didChangeWatchedFiles', {
          changes: [{ uri: uri(c.created), type: CREATED }],
        });
        await idle(s);
      }
      assert.deepEqual(chainCodes(s), ['chain/duplicate-name']);
      const before = work(s);
      await deleteOnDisk(s, c.deleted);
      assert.deepEqual(chainCodes(s), c.codes);
      // The listeners heard it: the open test file is checked again.
      assert.ok(work(s).testFileRuns > before.testFileRuns);
    });
});
