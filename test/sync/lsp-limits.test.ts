// The request limits in the editor (node dist/server.js --stdio against policylens serve on
// loopback): a bundle whose body the live org would refuse shows it on its sync lens and in the
// workspace plan, and Apply sends nothing while it is there.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileUri, LspClient } from '../lsp/client';
import {
  api,
  BUNDLES,
  inProcessRegistry,
  removeDir,
  tempDir,
  writeFiles,
  type LiveRegistry,
} from './harness';

interface Lens {
  range: { start: { line: number } };
  command?: { title: string };
}

let live: LiveRegistry;
const dirs: string[] = [];
const clients: LspClient[] = [];
before(async () => (live = await inProcessRegistry()));
after(async () => {
  for (const c of clients) c.kill();
  await live.close();
  for (const d of dirs) removeDir(d);
});

/** The sync lens of a file once the org was read (the one on line 0 that is not the chain's). */
async function syncTitle(client: LspClient, uri: string): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const lenses = await client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
    const titles = lenses
      .filter((l) => l.range.start.line === 0)
      .map((l) => l.command?.title ?? '')
      .filter((t) => !t.startsWith('evaluated') && !/reading|…$/.test(t));
    if (titles.length) {
      assert.equal(titles.length, 1, JSON.stringify(titles));
      return titles[0]!;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`the sync lens of ${uri} never settled`);
}

const bundle = (name: string, note: string) =>
  `name: ${name}\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [file_write]\nmetadata:\n  note: "${note}"\n`;

describe('the request limits in the editor', () => {
  it('a refused change shows on its lens and in the plan, and Apply sends nothing', async () => {
    const { key } = await live.registry.createApiKey('lsp-limits', 'user_123');
    // 400,000 characters of three bytes each: 1.2 MB of body from a text the workspace index reads
    // (it reads files up to 512 K characters); and 1.1 M ASCII characters, which it does not.
    const files = {
      ...BUNDLES,
      'big.yaml': bundle('Big', '界'.repeat(400_000)),
      'huge.yaml': bundle('Huge', 'x'.repeat(1_100_000)),
    };
    const root = tempDir('lsp-limits');
    dirs.push(root);
    writeFiles(root, files);
    const client = new LspClient(['--stdio'], {
      PATH: process.env.PATH ?? '',
      POLICYLENS_API_URL: live.url,
      POLICYLENS_API_KEY: key,
    });
    clients.push(client);
    await client.initialize({ rootUri: fileUri(root), initializationOptions: { clientCommands: true } });
    const big = fileUri(join(root, 'big.yaml'));
    const huge = fileUri(join(root, 'huge.yaml'));
    const pii = fileUri(join(root, 'data-access.yaml'));
    client.open(big, files['big.yaml']);
    client.open(huge, files['huge.yaml']);
    client.open(pii, BUNDLES['data-access.yaml']);

    assert.match(
      await syncTitle(client, big),
      /^\+ create in lsp-limits ⚠ refused: its request body would be 1,200,\d{3} bytes \(metadata: 1,200,\d{3}\), over the 1,048,576 \(1 MiB\) the policies API accepts$/,
    );
    assert.match(
      await syncTitle(client, huge),
      /^✗ not synced: refused: its request body would be 1,100,\d{3} bytes \(metadata: 1,100,\d{3}\), over the 1,048,576 \(1 MiB\) the policies API accepts$/,
    );
    assert.equal(await syncTitle(client, pii), '+ create in lsp-limits');

    const plan = await client.request<{
      fingerprint: string;
      entries: { name: string; action: string; problems?: string[] }[];
      text: string;
    }>('policyLens/workspacePlan', {});
    const entry = plan.entries.find((e) => e.name === 'Big')!;
    assert.equal(entry.action, 'create');
    assert.match(entry.problems?.[0] ?? '', /^refused: its request body would be 1,200,\d{3} bytes/);
    assert.equal(
      plan.entries.find((e) => e.name === 'Huge'),
      undefined,
      'over the index limit: in no plan',
    );
    assert.match(plan.text, /\n {6}! refused: its request body would be 1,200,\d{3} bytes/);

    const applied = await client.request<{ applied: boolean; message: string; results: unknown[] }>(
      'policyLens/applyPlan',
      { fingerprint: plan.fingerprint },
    );
    assert.equal(applied.applied, false);
    assert.match(applied.message, /^The plan has problems and was not applied: refused: its request body/);
    assert.deepEqual(applied.results, []);
    const listed = await api({ url: live.url, key }, 'GET', '/policies');
    assert.equal(listed.body.data.length, 0, 'nothing was sent');
  });
});
