// `policylens replay` against input a hostile or unlucky user gives it (docs/reliability.md, the
// replay rows): the built CLI under a small heap, on one thread and on two (parts of the file, or
// one side per worker), which must print byte-identical reports.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { CLI, removeDir, runCli, tempDir } from '../sync/harness';

const CASE = join(__dirname, '../fixtures/replay/mode-change');
/** An Agent Sentinel file on both sides: the replay then runs one side per worker. */
const SENTINEL = 'rate_limits: {search_orders: {max_count: 3, window_seconds: 60}}\n';

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

function replay(cwd: string, args: string[], heapMb: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [`--max-old-space-size=${heapMb}`, CLI, 'replay', ...args, '--format', 'json'],
      { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/** Runs `args` on one thread and on two, for Execlave sides and for sides with Agent Sentinel. */
async function everyWay(dir: string, args: string[], heapMb: number): Promise<unknown> {
  let first: string | undefined;
  for (const sides of [
    ['--policies', 'current', '--against', 'baseline'],
    ['--policies', 'current-as', '--against', 'baseline-as'],
  ])
    for (const threads of ['1', '2']) {
      const r = await replay(dir, [...args, ...sides, '--threads', threads], heapMb);
      assert.equal(r.status, 0, `${sides[1]}, --threads ${threads}: ${r.stderr.slice(-1500)}`);
      // The labels name the sides; the rest must be the same whichever way it ran.
      const body = r.stdout.replace(/"current": .*\n\s*"baseline": .*\n/, '');
      first ??= body;
      assert.equal(body, first, `${sides[1]}, --threads ${threads}: the same report`);
    }
  return JSON.parse(first!);
}

describe('policylens replay: hostile input', () => {
  let dir: string;
  before(() => {
    dir = tempDir('replay-hostile');
    for (const side of ['current', 'baseline']) {
      cpSync(join(CASE, side), join(dir, side), { recursive: true });
      cpSync(join(CASE, side), join(dir, `${side}-as`), { recursive: true });
      writeFileSync(join(dir, `${side}-as`, 'callguard.yaml'), SENTINEL);
    }
  });
  after(() => removeDir(dir));

  it('lines longer than 8 MiB are findings, never held whole: one of 30 MB, a last one without its end', async () => {
    const event = (s: number, input: string) =>
      JSON.stringify({ agentId: 'support-bot', input, timestamp: `2026-12-01T09:00:0${s}Z` });
    const text = [
      event(1, 'SSN 123-45-6789'),
      // A valid event, 30 MB long: under a 32 MB heap, reading it whole ran out of memory.
      event(2, `${'a'.repeat(30 << 20)} SSN 123-45-6789`),
      event(3, 'SSN 123-45-6789'),
      '',
      // No line end at all: the reading held 3 GB of a 2 GB file, and went on for minutes.
      'x'.repeat(20 << 20),
    ].join('\n');
    writeFileSync(join(dir, 'long.jsonl'), text);
    writeFileSync(join(dir, 'long.jsonl.gz'), gzipSync(text));
    for (const file of ['long.jsonl', 'long.jsonl.gz']) {
      const report = (await everyWay(dir, [file], 32)) as {
        events: number;
        replayed: number;
        newlyBlocked: number;
        findings: { line: number; code: string; message: string }[];
      };
      assert.equal(report.events, 4, `${file}: the blank line is not counted`);
      assert.equal(report.replayed, 2);
      assert.equal(report.newlyBlocked, 2);
      assert.deepEqual(
        report.findings.map((f) => [f.line, f.code]),
        [
          [2, 'replay/line-too-long'],
          [5, 'replay/line-too-long'],
        ],
      );
      assert.match(report.findings[1].message, /^the line is 20,971,520 bytes, more than the 8,388,608/);
    }
  });

  it('--examples is bounded: a huge number is a usage error, 0 and 1,000 are not', async () => {
    // Each example is held until the report: 10^12 kept every changed event (1.8 GB for a million).
    for (const n of ['1001', '1000000000000']) {
      const r = await runCli(
        ['replay', 'events.jsonl', '--policies', 'current', '--against', 'baseline', '--examples', n],
        {},
        CASE,
      );
      assert.equal(r.status, 2, `--examples ${n}: ${r.stderr}`);
      assert.match(r.stderr, /--examples takes a whole number from 0 to 1,000, not "\d+"/);
    }
    for (const [n, kept] of [
      ['0', 0],
      ['1000', 3],
    ] as const) {
      const r = await runCli(
        [
          'replay',
          'events.jsonl',
          '--policies',
          'current',
          '--against',
          'baseline',
          '--examples',
          n,
          '--format',
          'json',
        ],
        {},
        CASE,
      );
      assert.equal(r.status, 0, r.stderr);
      const report = JSON.parse(r.stdout) as { transitions: { count: number; examples: unknown[] }[] };
      assert.equal(report.transitions[0].count, 3);
      assert.equal(report.transitions[0].examples.length, kept);
    }
  });
});
