// The editor's impact reads recorded traffic as `policylens replay` does (the spawned language
// server, its worker thread, a real registry as the live org): a line of 50 MB is counted and
// skipped as `replay/line-too-long`, never held, and a gzip followed by bytes that are no gzip
// member keeps the events before them; the impact's counts, affected events and findings are the
// CLI's report of the same files against the same org.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parse } from 'yaml';
import type { AffectedEvents } from '../../server/src/protocol/index';
import { peakOfRunningMb } from '../hardening/support/peak';
import { fileUri, LspClient } from '../lsp/client';
import {
  api,
  eventually,
  inProcessRegistry,
  removeDir,
  runCli,
  tempDir,
  writeFiles,
  type LiveRegistry,
} from './harness';

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

/** Event `i` as a line; every third one has an SSN in it. */
const event = (i: number, input = i % 3 ? `Status of order ${i}?` : `Refund ${i}, SSN 123-45-6789`) =>
  JSON.stringify({
    agentId: i % 2 ? 'support-bot' : 'billing-bot',
    input,
    timestamp: new Date(Date.UTC(2026, 11, 1) + i * 1000).toISOString(),
  });

/** The server's peak resident memory may not pass this while it replays a 50 MB line. */
const PEAK_MB = 200;

interface CliReport {
  replayed: number;
  changed: number;
  newlyBlocked: number;
  newlyAllowed: number;
  transitions: { from: string; to: string; examples: { file: string; line: number }[] }[];
  findings: { file: string; line: number; code: string; message: string }[];
  findingCounts: Record<string, number>;
}

describe('the impact worker reads lines as the CLI does', () => {
  it('a 50 MB line and a gzip with a tail that is no gzip: the findings and counts of policylens replay', async () => {
    const { key } = await live.registry.createApiKey('impact-lines', 'user_123');
    assert.equal((await api({ url: live.url, key }, 'POST', '/policies', parse(PII('monitor')))).status, 201);
    const root = tempDir('impact-lines');
    dirs.push(root);
    writeFiles(root, { 'policies/pii.yaml': PII('block') });
    // 30 events, an event whose input is 50 MB (SSN and all), 30 more, a line that is no JSON.
    const huge = event(30, `SSN 123-45-6789 ${'x'.repeat(50 << 20)}`);
    const lines = [...Array.from({ length: 30 }, (_, i) => event(i)), huge];
    lines.push(...Array.from({ length: 30 }, (_, i) => event(31 + i)), '{not json');
    writeFileSync(join(root, 'long.jsonl'), lines.join('\n') + '\n');
    // Seven events, then bytes that are no gzip member: gzip -d keeps the seven.
    const seven = Array.from({ length: 7 }, (_, i) => event(100 + i)).join('\n') + '\n';
    writeFileSync(join(root, 'tail.jsonl.gz'), Buffer.concat([gzipSync(seven), Buffer.from('garbage')]));
    const files = ['long.jsonl', 'tail.jsonl.gz'];

    const env = { PATH: process.env.PATH ?? '', POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: key };
    const cli = await runCli(
      [
        'replay',
        ...files,
        '--policies',
        'policies',
        '--against',
        'live',
        '--examples',
        '50',
        '--format',
        'json',
      ],
      env,
      root,
    );
    assert.equal(cli.status, 0, cli.stderr);
    const report = JSON.parse(cli.stdout) as CliReport;

    const client = new LspClient(['--stdio'], env);
    clients.push(client);
    await client.initialize({ rootUri: fileUri(root), initializationOptions: { replay: { events: files } } });
    const uri = fileUri(join(root, 'policies', 'pii.yaml'));
    client.open(uri, PII('block'));
    const lenses = () =>
      client.request<{ range: { start: { line: number } }; command?: { title: string } }[]>(
        'textDocument/codeLens',
        { textDocument: { uri } },
      );
    const done = await eventually(
      lenses,
      (l) => l.some((x) => /^would block|^impact:/.test(x.command?.title ?? '')),
      `the impact lens settles\n${client.logs.join('\n')}`,
    );
    const peakMb = peakOfRunningMb(client.proc!.pid!);
    console.log(`impact of a 50 MB line: server peak ${peakMb} MB`);
    const affected = await client.request<AffectedEvents>('policyLens/affectedEvents', { name: 'PII Guard' });
    assert.equal(affected.state, 'ok', `${done.map((l) => l.command?.title).join(' | ')}\n${affected.text}`);

    // The same counts as the CLI's report, and the same affected events.
    assert.deepEqual(affected.impact, {
      state: 'ok',
      events: report.replayed,
      changed: report.changed,
      newlyBlocked: report.newlyBlocked,
      newlyAllowed: report.newlyAllowed,
    });
    assert.equal(report.replayed, 67, 'every event but the 50 MB one');
    assert.deepEqual(
      affected.events.map((e) => `${e.file}:${e.line} ${e.before}→${e.after}`),
      report.transitions
        .flatMap((t) => t.examples.map((e) => ({ ...e, key: `${t.from}→${t.to}` })))
        .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)
        .map((e) => `${e.file}:${e.line} ${e.key}`),
    );
    // The same findings: the long line at its place, the line that is no JSON, the gzip's tail.
    assert.deepEqual(report.findingCounts, {
      'replay/line-too-long': 1,
      'replay/malformed-line': 1,
      'replay/truncated-input': 1,
    });
    const findings = report.findings.map((f) => `  ${f.file}:${f.line}  ${f.message} [${f.code}]`);
    assert.deepEqual(
      affected.text.split('\n').filter((l) => /^ {2}\S+:\d+ {2}.*\[replay\//.test(l)),
      findings,
    );
    assert.match(findings.join('\n'), /long\.jsonl:31 .*\[replay\/line-too-long\]/);
    assert.match(findings.join('\n'), /tail\.jsonl\.gz:8 .*after line 7.*\[replay\/truncated-input\]/);
    assert.ok(peakMb <= PEAK_MB, `the server peaked at ${peakMb} MB (bound ${PEAK_MB} MB)`);
  });
});
