// The language server's sources in this process (test/support/inProcess.ts): an in-memory file
// system and a virtual clock through the `Runtime` port, the same JSON-RPC client as the spawned
// tests. New LSP tests start here; the spawned-dist/ tests are the integration layer.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startInProcess, type InProcessServer } from '../support/inProcess';
import type { Diagnostic, PublishDiagnosticsParams } from './client';

const bundle = (name: string, prerequisites: string[] = [], mode = 'block') =>
  [
    `name: ${name}`,
    'policyType: pii_access',
    `enforcementMode: ${mode}`,
    'ruleDefinition:',
    '  denied_pii_types: [ssn]',
    ...(prerequisites.length ? [`prerequisites: [${prerequisites.join(', ')}]`] : []),
    '',
  ].join('\n');

const codes = (d: Diagnostic[]) => d.map((x) => x.code).sort();

/** Lets messages in flight reach the other side without moving a stopped clock. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

async function diagnosticsUntil(
  s: InProcessServer,
  uri: string,
  ok: (d: Diagnostic[]) => boolean,
): Promise<PublishDiagnosticsParams> {
  for (;;) {
    const latest = [...s.client.diagnostics].reverse().find((p) => p.uri === uri);
    if (latest && ok(latest.diagnostics)) return latest;
    await s.client.waitForDiagnostics(uri);
  }
}

describe('language server in process (memory files, virtual clock)', () => {
  const servers: InProcessServer[] = [];
  const start = async (files: Record<string, string>) => {
    const s = startInProcess({ files });
    servers.push(s);
    await s.client.initialize({ rootUri: 'file:///ws' });
    return s;
  };
  after(async () => {
    for (const s of servers) await s.client.shutdown();
  });

  it('work that ends after the client left rejects nothing', async () => {
    // An analysis whose debounce fires after the client has gone finds the connection disposed:
    // nothing to publish to, and no unhandled rejection (which ends a Node process).
    const rejections: unknown[] = [];
    const onRejection = (e: unknown) => rejections.push(e);
    process.on('unhandledRejection', onRejection);
    try {
      const s = await start({});
      s.clock.stop();
      const uri = s.fs.write('/ws/policies/late.yaml', bundle('late', [], 'blok'));
      s.client.open(uri, bundle('late', [], 'blok'));
      await settle();
      assert.ok(s.clock.pending > 0, 'the analysis waits for its debounce');
      s.client.kill();
      // The debounced analysis and whatever it schedules run now, with no one to publish to.
      for (let i = 0; i < 10 && s.clock.pending > 0; i++) {
        s.clock.advance(10_000);
        await settle();
      }
      assert.deepEqual(rejections.map(String), []);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('publishes schema findings of an open bundle', async () => {
    const s = await start({});
    const uri = s.fs.write('/ws/policies/guard.yaml', bundle('guard', [], 'blok'));
    s.client.open(uri, bundle('guard', [], 'blok'));
    const published = await s.client.waitForDiagnostics(uri, 1);
    assert.equal(published.diagnostics.length, 1);
    assert.match(published.diagnostics[0].message, /enforcementMode/);
  });

  it('finds a cycle through files that are only on the (memory) disk', async () => {
    const s = await start({
      '/ws/policies/b.yaml': bundle('b', ['c']),
      '/ws/policies/c.yaml': bundle('c', ['a']),
    });
    const uri = s.fs.write('/ws/policies/a.yaml', bundle('a', ['b']));
    s.client.open(uri, bundle('a', ['b']));
    const withCycle = await diagnosticsUntil(s, uri, (d) => codes(d).includes('chain/cycle'));
    const cycle = withCycle.diagnostics.find((d) => d.code === 'chain/cycle')!;
    assert.match(cycle.message, /a → b → c → a/);
  });

  it('a file changed on disk and announced as changed clears the stale cycle', async () => {
    const s = await start({
      '/ws/policies/b.yaml': bundle('b', ['a']),
    });
    const uri = s.fs.write('/ws/policies/a.yaml', bundle('a', ['b']));
    s.client.open(uri, bundle('a', ['b']));
    await diagnosticsUntil(s, uri, (d) => codes(d).includes('chain/cycle'));
    const b = s.fs.write('/ws/policies/b.yaml', bundle('b'));
    s.client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: b, type: 2 }] });
    const clean = await diagnosticsUntil(s, uri, (d) => !codes(d).includes('chain/cycle'));
    assert.deepEqual(codes(clean.diagnostics), []);
  });

  it('a burst of keystrokes is analysed once, at its last version, when the debounce ends', async () => {
    const s = await start({});
    const text = bundle('typed');
    const uri = s.fs.write('/ws/policies/typed.yaml', text);
    s.client.open(uri, text);
    await s.client.waitForDiagnostics(uri, 1);
    s.clock.stop();
    const before = s.client.diagnostics.length;
    s.client.type(uri, '#');
    s.client.type(uri, ' a');
    const last = s.client.type(uri, ' comment\n');
    await settle();
    // Time has not moved: nothing may be published while the debounce is pending.
    assert.equal(s.client.diagnostics.length, before);
    assert.ok(s.clock.pending > 0, 'a run is scheduled');
    s.clock.advance(1_000);
    const published = await s.client.waitForDiagnostics(uri, last);
    assert.equal(published.version, last);
    const versions = s.client.diagnostics
      .slice(before)
      .filter((p) => p.uri === uri)
      .map((p) => p.version);
    assert.deepEqual(versions, [last], 'only the last version of the burst is analysed');
    s.clock.start();
  });
});
