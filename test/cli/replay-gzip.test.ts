// A gzip that fails midway (docs/decisions/replay.md, "Reading recordings"): every whole line that
// zlib decompressed before the failure is replayed, and one finding names the line after the last
// whole one, on every run, on one thread and on two (parts of the file, or one side per worker);
// `eval` of the same file names the same line. What a gzip reader can decompress before the failure
// is computed here with zlib's own sync API, flushing what it has (Z_SYNC_FLUSH) instead of failing.
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { trafficLines } from '../../scripts/traffic.mjs';
import { removeDir, runCli, tempDir } from '../sync/harness';

const CASE = join(__dirname, '../fixtures/replay/mode-change');
/** An Agent Sentinel file on both sides: the replay then runs one side per worker. */
const SENTINEL = 'rate_limits: {search_orders: {max_count: 3, window_seconds: 60}}\n';

/** The whole lines (ended by `\n`) that zlib's sync API gets out of `gz` before it fails. */
function wholeLines(gz: Buffer): number {
  const out = gunzipSync(gz, { finishFlush: constants.Z_SYNC_FLUSH });
  let n = 0;
  for (let i = out.indexOf(10); i !== -1; i = out.indexOf(10, i + 1)) n++;
  return n;
}

const traffic = Buffer.from([...trafficLines({ count: 40_000, seed: 19 })].join('\n') + '\n');
const seven = gzipSync(Buffer.from([...trafficLines({ count: 7, seed: 5 })].join('\n') + '\n'));

/** Each case: the file's bytes, the prefix zlib can decompress, and the reason in the finding. */
const CASES: { name: string; bytes: Buffer; prefix: Buffer; reason: string }[] = [
  {
    // It replayed 0 of its 7 events: zlib's error came with the member's output, which was dropped.
    name: 'a gzip member followed by bytes that are no gzip member',
    bytes: Buffer.concat([seven, Buffer.from('garbage')]),
    prefix: seven,
    reason: 'bytes that are no gzip member \\(incorrect header check\\)',
  },
  {
    // Its cut was reported at one line or another from run to run, and differed between threads.
    name: 'a gzip cut at 300 KB',
    bytes: gzipSync(traffic).subarray(0, 300 << 10),
    prefix: gzipSync(traffic).subarray(0, 300 << 10),
    reason: 'the gzip stream ends early',
  },
];

interface Report {
  events: number;
  replayed: number;
  findings: { file: string; line: number; code: string; message: string }[];
  findingCounts: Record<string, number>;
}

describe('policylens replay and eval: a gzip that fails midway', () => {
  let dir: string;
  before(() => {
    dir = tempDir('replay-gzip');
    for (const side of ['current', 'baseline']) {
      cpSync(join(CASE, side), join(dir, side), { recursive: true });
      cpSync(join(CASE, side), join(dir, `${side}-as`), { recursive: true });
      writeFileSync(join(dir, `${side}-as`, 'callguard.yaml'), SENTINEL);
    }
  });
  after(() => removeDir(dir));

  CASES.forEach(({ name, bytes, prefix, reason }, i) => {
    it(`${name}: every whole line before the failure, then the failure at the next line`, async () => {
      const file = `case-${i}.jsonl.gz`;
      writeFileSync(join(dir, file), bytes);
      const lines = wholeLines(prefix);
      assert.ok(lines > 0, 'the case has lines before its failure');
      for (const sides of [
        ['--policies', 'current', '--against', 'baseline'],
        ['--policies', 'current-as', '--against', 'baseline-as'],
      ]) {
        let first: string | undefined;
        for (const threads of ['1', '2']) {
          const how = `${sides[1]}, --threads ${threads}`;
          const r = await runCli(
            ['replay', file, ...sides, '--threads', threads, '--format', 'json'],
            {},
            dir,
          );
          assert.equal(r.status, 0, `${how}: ${r.stderr}`);
          const report = JSON.parse(r.stdout) as Report;
          assert.equal(report.replayed, lines, `${how}: every whole line is an event replayed`);
          assert.equal(report.events, lines, `${how}: the line the failure cut is not one`);
          assert.deepEqual(report.findingCounts, { 'replay/truncated-input': 1 }, how);
          const cut = report.findings[0];
          assert.equal(cut.line, lines + 1, `${how}: the line after the last whole one`);
          assert.match(cut.message, new RegExp(`^${reason} after line ${lines}: `), how);
          first ??= r.stdout;
          assert.equal(r.stdout, first, `${how}: the report of one thread`);
        }
      }
      // eval checks every event before it runs any: the failure is a usage error at the same line.
      const ev = await runCli(['eval', 'current', '--event', file], {}, dir);
      assert.equal(ev.status, 2, ev.stderr);
      assert.match(
        ev.stderr,
        new RegExp(
          `the event ${file.replaceAll('.', '\\.')}:${lines + 1} cannot be read: ${reason} after line ${lines}\\b`,
        ),
      );
    });
  });
});
