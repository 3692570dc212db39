// Replay streams its events: a file four times larger than the CLI's whole heap replays to the end,
// on one thread and on worker threads, with the same report. (How much memory a million events take
// is a figure of `npm run bench`; this test only shows that the file is never held whole.)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { CLI, removeDir, tempDir } from '../sync/harness';

const CASE = join(__dirname, '../fixtures/replay/mode-change');
/** The heap the CLI gets, in MB; the events file is four times that once unzipped. */
const HEAP_MB = 24;
const CHUNK_EVENTS = 400;
const CHUNKS = 64;

/** 400 fat events (about 4 KB each: few lines, many bytes, so the test is quick); every 8th has an SSN. */
function chunk(): string {
  const filler = 'the customer asks about the order and its delivery date again; '.repeat(64);
  let out = '';
  for (let i = 0; i < CHUNK_EVENTS; i++) {
    const input = i % 8 === 0 ? `${filler} my SSN is 123-45-6789` : filler;
    out += `${JSON.stringify({ agentId: i % 2 ? 'support-bot' : 'billing-bot', input })}\n`;
  }
  return out;
}

function replay(file: string, threads: string): Promise<{ status: number; stdout: string; stderr: string }> {
  const args = [
    `--max-old-space-size=${HEAP_MB}`,
    CLI,
    'replay',
    file,
    '--threads',
    threads,
    '--format',
    'json',
  ];
  const sides = ['--policies', join(CASE, 'current'), '--against', join(CASE, 'baseline')];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...args, ...sides], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

describe('policylens replay streams a file larger than its heap', () => {
  let dir: string;
  let file: string;
  let unzipped: number;
  before(() => {
    dir = tempDir('replay-memory');
    const text = chunk();
    unzipped = Buffer.byteLength(text) * CHUNKS;
    // Gzip members one after another are one gzip file: a few hundred KB on disk, 100 MB of events.
    const member = gzipSync(text);
    file = join(dir, 'big.jsonl.gz');
    writeFileSync(file, Buffer.concat(Array.from({ length: CHUNKS }, () => member)));
  });
  after(() => removeDir(dir));

  it(`${CHUNK_EVENTS * CHUNKS} events, four times the heap, on one thread and on two`, async () => {
    assert.ok(unzipped > 4 * HEAP_MB * 2 ** 20, `the events are ${unzipped} bytes`);
    const one = await replay(file, '1');
    assert.equal(one.status, 0, one.stderr.slice(-2000));
    const report = JSON.parse(one.stdout) as { events: number; newlyBlocked: number; findings: unknown[] };
    assert.equal(report.events, CHUNK_EVENTS * CHUNKS);
    assert.equal(report.newlyBlocked, (CHUNK_EVENTS / 8) * CHUNKS, 'every SSN: warn → block');
    assert.deepEqual(report.findings, []);
    const two = await replay(file, '2');
    assert.equal(two.status, 0, two.stderr.slice(-2000));
    assert.equal(two.stdout, one.stdout);
  });
});
