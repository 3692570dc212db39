// `policylens eval` reads a .jsonl of recorded events from disk as it runs them: a file four times
// larger than the CLI's whole heap is evaluated to its last event. It read the file whole and held
// every parsed event first (a 50 MB file peaked at 235 MB; this one ran out of heap and aborted).
// An invalid line still stops it before any output, as in a document.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { CLI, removeDir, tempDir } from '../sync/harness';

/** The heap the CLI gets, in MB; the events file is four times that. */
const HEAP_MB = 24;
const CHUNK_EVENTS = 400;
const CHUNKS = 64;
const EVENTS = CHUNK_EVENTS * CHUNKS;

/** 400 fat events (about 4 KB each); every 8th holds an e-mail address. */
function chunk(): string {
  const filler = 'the customer asks about the order and its delivery date again; '.repeat(64);
  let out = '';
  for (let i = 0; i < CHUNK_EVENTS; i++) {
    const input = i % 8 === 0 ? `${filler} write to jane.doe@example.com` : filler;
    const timestamp = new Date(Date.UTC(2026, 11, 2, 10, 0, i)).toISOString();
    out += `${JSON.stringify({ agentId: 'finance-bot', input, estimatedCost: 1, timestamp })}\n`;
  }
  return out;
}

interface Run {
  status: number;
  /** The end of standard output (the whole of it is tens of megabytes). */
  tail: string;
  bytes: number;
  stderr: string;
}

function evalRun(file: string): Promise<Run> {
  const args = [`--max-old-space-size=${HEAP_MB}`, CLI, 'eval', 'examples/policies', '--event', file];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    let bytes = 0;
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      bytes += d.length;
      tail = (tail + d.toString()).slice(-4000);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ status: code ?? -1, tail, bytes, stderr }));
  });
}

describe('policylens eval streams a .jsonl larger than its heap', () => {
  let dir: string;
  let plain: string;
  let zipped: string;
  let size = 0;
  before(() => {
    dir = tempDir('eval-memory');
    const text = chunk();
    plain = join(dir, 'big.jsonl');
    const fd = openSync(plain, 'w');
    for (let i = 0; i < CHUNKS; i++) size += writeSync(fd, text);
    closeSync(fd);
    // Gzip members one after another are one gzip file, as replay reads it.
    zipped = join(dir, 'big.jsonl.gz');
    const member = gzipSync(text);
    writeFileSync(zipped, Buffer.concat(Array.from({ length: CHUNKS }, () => member)));
  });
  after(() => removeDir(dir));

  it(`${EVENTS} events, four times the heap, to the last one; gzip or plain, as replay reads them`, async () => {
    assert.ok(size > 4 * HEAP_MB * 2 ** 20, `the events are ${size} bytes`);
    const [r, z] = await Promise.all([evalRun(plain), evalRun(zipped)]);
    assert.equal(r.stderr, '');
    // Every 8th event holds an address the example PII policy blocks: the list's exit is 1.
    assert.equal(r.status, 1);
    assert.match(r.tail, new RegExp(`— event ${EVENTS} of ${EVENTS}\n`));
    assert.deepEqual(z, r);
  });

  it('stops at an invalid line before any output', async () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, chunk() + '{"agentId": 42}\n' + chunk());
    const r = await evalRun(file);
    assert.equal(r.status, 2);
    assert.equal(r.bytes, 0);
    assert.match(r.stderr, new RegExp(`${CHUNK_EVENTS + 1} is not valid`));
  });
});
