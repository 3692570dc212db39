// The impact's replay in the spawned language server (node dist/server.js --stdio): a gzip events
// file replayed on a worker thread against a real registry, while the server keeps publishing
// diagnostics; a replay under way cancelled by an edit and by the events file rewritten on disk; a
// file that cannot be replayed is a lens and a log line, never a crash.
import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parse } from 'yaml';
import type { AffectedEvents } from '../../server/src/protocol/index';
import { fileUri, LspClient } from '../lsp/client';
import {
  api,
  eventually,
  inProcessRegistry,
  removeDir,
  tempDir,
  writeFiles,
  type LiveRegistry,
} from './harness';

interface Lens {
  range: { start: { line: number } };
  command?: { title: string; command: string; arguments?: unknown[] };
}

let live: LiveRegistry;
const dirs: string[] = [];
const clients: LspClient[] = [];
before(async () => {
  live = await inProcessRegistry();
});
after(async () => {
  for (const c of clients) c.kill();
  await live.close();
  for (const d of dirs) removeDir(d);
});

const PII = (mode: string) =>
  `name: PII Guard\npolicyType: pii_access\nenforcementMode: ${mode}\nruleDefinition:\n  denied_pii_types: [ssn]\n`;

/** `n` events, every tenth with an SSN in it. */
function events(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++)
    out.push(
      JSON.stringify({
        agentId: i % 3 ? 'support-bot' : 'billing-bot',
        input: i % 10 === 0 ? `Refund order ${i}, SSN 123-45-6789` : `Status of order ${i}?`,
        timestamp: new Date(Date.UTC(2026, 11, 1) + i * 1000).toISOString(),
      }),
    );
  return out.join('\n') + '\n';
}

async function lenses(client: LspClient, uri: string): Promise<Lens[]> {
  return (await client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } })).filter(
    (l) => l.range.start.line === 0,
  );
}

describe('the impact on a worker thread (dist/server.js)', () => {
  it('replays a gzip file off the server thread; diagnostics go on meanwhile', async () => {
    const { key } = await live.registry.createApiKey('impact-worker', 'user_123');
    assert.equal((await api({ url: live.url, key }, 'POST', '/policies', parse(PII('monitor')))).status, 201);
    const root = tempDir('impact-ws');
    dirs.push(root);
    writeFiles(root, { 'policies/pii.yaml': PII('block') });
    writeFileSync(join(root, 'traffic.jsonl.gz'), gzipSync(events(40_000)));
    const client = new LspClient(['--stdio'], {
      PATH: process.env.PATH ?? '',
      POLICYLENS_API_URL: live.url,
      POLICYLENS_API_KEY: key,
    });
    clients.push(client);
    await client.initialize({
      rootUri: fileUri(root),
      initializationOptions: { replay: { events: 'traffic.jsonl.gz' }, clientCommands: true },
    });
    const uri = fileUri(join(root, 'policies', 'pii.yaml'));
    client.open(uri, PII('block'));
    const computing = await eventually(
      () => lenses(client, uri),
      (l) => l.some((x) => x.command?.title === 'impact…'),
      'the impact lens says impact… while the replay runs',
    );
    assert.equal(computing.length, 3);

    // While the worker replays 40,000 events, a broken bundle still gets its diagnostics.
    const broken = fileUri(join(root, 'policies', 'broken.yaml'));
    client.open(broken, 'name: x\npolicyType: pii_access\nenforcementMode: blok\nruleDefinition: {}\n');
    const published = await client.waitForDiagnostics(broken);
    assert.equal(published.diagnostics[0]?.code, 'schema/enum');
    // The diagnostics took milliseconds, the replay takes seconds: it is still running.
    assert.ok(
      (await lenses(client, uri)).some((x) => x.command?.title === 'impact…'),
      'the replay was still running when the diagnostics came',
    );

    const done = await eventually(
      () => lenses(client, uri),
      (l) => l.some((x) => /^would block/.test(x.command?.title ?? '')),
      'the impact lens with the counts',
    );
    const impact = done.find((x) => /^would block/.test(x.command?.title ?? ''))!;
    assert.equal(impact.command?.title, 'would block +4000 · allow +0');
    assert.equal(impact.command?.command, 'policyLens.replay.showAffectedEvents');
    assert.deepEqual(impact.command?.arguments, [{ name: 'PII Guard' }]);
    assert.ok(
      client.logs.some((l) =>
        /impact: replayed 40000 events of traffic\.jsonl\.gz .* on a worker thread/.test(l),
      ),
      client.logs.join('\n'),
    );
  });

  it('a replay under way is cancelled and restarted by an edit, and by the events file rewritten on disk', async () => {
    const { key } = await live.registry.createApiKey('impact-worker-cancel', 'user_123');
    await api({ url: live.url, key }, 'POST', '/policies', parse(PII('monitor')));
    const root = tempDir('impact-cancel');
    dirs.push(root);
    writeFiles(root, { 'policies/pii.yaml': PII('block') });
    // Far more events than the test takes to react to a log line: no replay of them ever finishes.
    const file = join(root, 'traffic', 'events.jsonl.gz');
    writeFiles(root, { 'traffic/.keep': '' });
    writeFileSync(file, gzipSync(events(400_000)));
    const client = new LspClient(['--stdio'], {
      PATH: process.env.PATH ?? '',
      POLICYLENS_API_URL: live.url,
      POLICYLENS_API_KEY: key,
    });
    clients.push(client);
    await client.initialize({
      rootUri: fileUri(root),
      initializationOptions: { replay: { events: 'traffic/events.jsonl.gz' }, clientCommands: true },
    });
    const uri = fileUri(join(root, 'policies', 'pii.yaml'));
    const count = (re: RegExp) => client.logs.filter((l) => re.test(l)).length;
    const replaying =
      /^impact: replaying traffic\/events\.jsonl\.gz for 1 pending change on a worker thread$/;
    const cancelled = /^impact: replay cancelled after \d+ ms/;
    const until = (what: string, ok: () => boolean) =>
      eventually(
        // Asking for the lenses is what asks for the impact (it is pulled, as the editor does).
        () => lenses(client, uri),
        () => ok(),
        `${what}\n${client.logs.join('\n')}`,
      );

    client.open(uri, PII('block'));
    await until('the first replay starts', () => count(replaying) === 1);
    // An unsaved edit while the worker replays: that replay stops, one of the edited bundle starts.
    client.change(uri, PII('require_approval'));
    await until('the edit cancels the replay and starts another', () => count(replaying) === 2);
    assert.equal(count(cancelled), 1);

    // The file is replaced on disk (as an export job does: write aside, rename); nobody tells the
    // server but its own watcher.
    writeFileSync(`${file}.tmp`, gzipSync(events(20)));
    renameSync(`${file}.tmp`, file);
    const done = await eventually(
      () => lenses(client, uri),
      (l) => l.some((x) => /^would block/.test(x.command?.title ?? '')),
      `the impact of the new file\n${client.logs.join('\n')}`,
    );
    assert.equal(done.at(-1)?.command?.title, 'would block +2 · allow +0');
    assert.equal(count(cancelled), 2);
    assert.equal(count(/^impact: replayed 20 events of traffic\/events\.jsonl\.gz/), 1);
    assert.equal(count(/^impact: replayed 400000 events/), 0, 'no replay of the old file finished');
    // What is shown is the edited bundle's impact: require_approval, not block.
    const affected = await client.request<AffectedEvents>('policyLens/affectedEvents', { name: 'PII Guard' });
    assert.deepEqual(
      affected.events.map((e) => `${e.line} ${e.before}→${e.after}`),
      ['1 warn→require_approval', '11 warn→require_approval'],
    );
  });

  it('a gzip file cut short is replayed up to the cut, and the cut is a log line', async () => {
    const { key } = await live.registry.createApiKey('impact-worker-bad', 'user_123');
    await api({ url: live.url, key }, 'POST', '/policies', parse(PII('monitor')));
    const root = tempDir('impact-bad');
    dirs.push(root);
    writeFiles(root, { 'policies/pii.yaml': PII('block') });
    // A gzip cut in half: the lines before the cut are replayed, the rest is a log line.
    const gz = gzipSync(events(2_000));
    writeFileSync(join(root, 'cut.jsonl.gz'), gz.subarray(0, gz.length >> 1));
    const client = new LspClient(['--stdio'], {
      PATH: process.env.PATH ?? '',
      POLICYLENS_API_URL: live.url,
      POLICYLENS_API_KEY: key,
    });
    clients.push(client);
    await client.initialize({
      rootUri: fileUri(root),
      initializationOptions: { replay: { events: ['cut.jsonl.gz'] }, clientCommands: true },
    });
    const uri = fileUri(join(root, 'policies', 'pii.yaml'));
    client.open(uri, PII('block'));
    const done = await eventually(
      () => lenses(client, uri),
      (l) => l.some((x) => /^would block|^impact:/.test(x.command?.title ?? '')),
      'the impact lens settles',
    );
    assert.match(done.at(-1)?.command?.title ?? '', /^would block \+\d+ · allow \+0$/);
    assert.ok(
      client.logs.some((l) =>
        /^ {2}cut\.jsonl\.gz:\d+: the gzip stream ends early after line \d+: .*\[replay\/truncated-input\]$/.test(
          l,
        ),
      ),
      client.logs.join('\n'),
    );
    assert.ok(client.alive, 'the server is still running');
  });
});
