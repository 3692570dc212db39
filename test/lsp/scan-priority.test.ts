// Background indexing never delays the open document: a completion or hover asked while the
// workspace is scanned is answered at once, and the scan holds still until the editor has been quiet
// for a moment (docs/decisions/perf.md, "Requests first"). In process, on a virtual clock where each
// look at the clock costs a millisecond, so the scan's slices end after a known amount of work.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startInProcess, type InProcessServer } from '../support/inProcess';

const bundle = (name: string, prerequisites: string[] = []) =>
  [
    `name: ${name}`,
    'policyType: pii_access',
    'enforcementMode: block',
    'ruleDefinition:',
    '  denied_pii_types: [ssn]',
    ...(prerequisites.length ? [`prerequisites: [${prerequisites.join(', ')}]`] : []),
    '',
  ].join('\n');

const PROBE = 'name: probe\npolicyType: pii_access\nenforcementMode: \nruleDefinition: {}\n';
const COUNT = 400;

/** Lets messages in flight reach the other side without moving a stopped clock. */
async function settle(turns = 200): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}

describe('requests come before the workspace scan', () => {
  const servers: InProcessServer[] = [];
  after(async () => {
    for (const s of servers) await s.client.shutdown();
  });

  for (const method of ['textDocument/completion', 'textDocument/hover'])
    it(`${method} during the scan is answered, and the scan waits for a quiet editor`, async () => {
      const files: Record<string, string> = { '/ws/.git/HEAD': 'ref: refs/heads/main\n' };
      for (let i = 0; i < COUNT; i++)
        files[`/ws/policies/p${i}.yaml`] = bundle(`p${i}`, i ? [`p${i - 1}`] : []);
      const s = startInProcess({ files, slicedMs: 1 });
      servers.push(s);
      await s.client.initialize({ rootUri: 'file:///ws' });
      const probe = s.fs.write('/ws/policies/probe.yaml', PROBE);
      s.client.open(probe, PROBE);
      await s.client.waitForDiagnostics(probe, 1);
      const logged = (prefix: string) => s.client.logs.some((l) => l.startsWith(prefix));
      const indexed = () => logged('chain: indexed');
      // The scan has begun reading: the quiet moment after the probe's diagnostics is over.
      while (!logged('chain: reading')) await settle(1);
      assert.ok(!indexed(), 'the scan of 400 files is still under way');

      // Time stands still from here: only the work itself (each look at the clock) moves it.
      s.clock.stop();
      const position =
        method === 'textDocument/hover' ? { line: 1, character: 3 } : { line: 2, character: 17 };
      const answer = await s.client.request<unknown>(method, { textDocument: { uri: probe }, position });
      assert.ok(answer, `${method} has an answer while the workspace is scanned`);
      // Enough turns of the event loop for the whole scan to run, were it not waiting.
      await settle(4000);
      // Before, the scan went on between requests whatever the user did, and finished here.
      assert.ok(!indexed(), 'the scan holds still after a request the user waits for');
      assert.ok(s.clock.pending > 0, 'it waits on the clock for a quiet moment');

      s.clock.start();
      const order = await s.client.request<{ entries: { name: string }[] }>('policyLens/chainOrder', {});
      assert.equal(
        order.entries.length,
        COUNT + 1,
        'once the editor is quiet, the scan indexes every bundle',
      );
      assert.ok(indexed());
    });
});
