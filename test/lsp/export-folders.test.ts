// policyLens/exportFolders over stdio (node dist/server.js): the folders the export offers first are
// those the workspace's policylens.config.yaml names in `include`, in each form the config reads as
// a folder (docs/configuration.md: `policies/**`, `/policies/**`, the folder `policies/` with its
// trailing `/`, a file glob `policies/*.yaml`), then the workspace folder. No org is needed.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ExportFoldersRequest, type ExportFolder } from '../../server/src/protocol/index';
import { removeDir, tempDir, writeFiles } from '../sync/harness';
import { fileUri, LspClient } from './client';

const dirs: string[] = [];
const clients: LspClient[] = [];
after(async () => {
  for (const c of clients.splice(0)) await c.shutdown();
  for (const d of dirs) removeDir(d);
});

/** The folders offered for a workspace whose config includes `include`, as workspace paths. */
async function offered(include: string[], folders: string[]): Promise<string[]> {
  const root = tempDir('export-folders');
  dirs.push(root);
  writeFiles(root, { 'policylens.config.yaml': `include: ${JSON.stringify(include)}\n` });
  for (const f of folders) mkdirSync(join(root, f), { recursive: true });
  const client = new LspClient(['--stdio'], { PATH: process.env.PATH ?? '' });
  clients.push(client);
  await client.initialize({ rootUri: fileUri(root) });
  const answer = await client.request<{ folders: ExportFolder[] }>(ExportFoldersRequest.method, {});
  return answer.folders.map((f) => (f.uri === fileUri(root) ? '(workspace folder)' : f.label));
}

describe('policyLens/exportFolders: the folders the config includes', () => {
  it('offers each folder the include names, in its order, then the workspace folder', async () => {
    assert.deepEqual(
      await offered(
        ['policies/', '/gates/**', 'rules/*.yaml', 'shared'],
        ['policies', 'gates', 'rules', 'shared'],
      ),
      ['policies', 'gates', 'rules', 'shared', '(workspace folder)'],
    );
  });

  it('a folder named with a dot and a trailing `/` is a folder, not a file', async () => {
    assert.deepEqual(await offered(['v1.2/'], ['v1.2']), ['v1.2', '(workspace folder)']);
  });
});
