import assert from 'node:assert/strict';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HEAP_MB, runCliAsync } from './support/cli';
import { report } from './support/invariants';
import { PEAK_LIMIT_MB, peakRecorder } from './support/peak';

// 1,000 bundles with 500 unknown keys each: half a million findings, each under the engine's cap
// per file. lint held every file's findings until the last file was linted, about 0.6 KB each:
// with this suite's 256 MB heap it aborted (SIGABRT), and 5,000 such files took 2.56 GB. It now
// holds at most 100,000 findings and lints a file again when the report reaches it
// (server/src/cli/lint/held.ts); --cache keeps as many in its file (server/src/cli/lint/cache.ts).

const FILES = 1000;
const KEYS = 500;
/**
 * The --cache runs' folder: 300 files, 150,000 findings, still past the 100,000 the cache keeps
 * (two runs of the 1,000 files took 36 s of the suite for the same bound).
 */
const CACHED_FILES = 300;
const dir = mkdtempSync(join(tmpdir(), 'policylens-many-findings-'));
const policies = join(dir, 'policies');
const cached = join(dir, 'cached');
const figures = { peakMb: 0, reportMb: 0, cachePeaksMb: [] as number[] };

const bundle = (i: number) =>
  [
    `name: crowded-${i}`,
    'policyType: rate_limit',
    'enforcementMode: log_only',
    'ruleDefinition:',
    '  maxRequestsPerMinute: 60',
    ...Array.from({ length: KEYS }, (_, k) => `extra_${k}: ${k}`),
    '',
  ].join('\n');

before(() => {
  mkdirSync(policies);
  mkdirSync(cached);
  for (let i = 0; i < FILES; i++) writeFileSync(join(policies, `crowded-${i}.yaml`), bundle(i));
  for (let i = 0; i < CACHED_FILES; i++) writeFileSync(join(cached, `crowded-${i}.yaml`), bundle(i));
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
  report(
    `${FILES.toLocaleString('en-US')} files of ${KEYS} unknown keys: lint --format json peak ${figures.peakMb} MB with a ${HEAP_MB} MB heap (bound ${PEAK_LIMIT_MB} MB), a ${figures.reportMb} MB report; with --cache (${CACHED_FILES} files), cold and warm: ${figures.cachePeaksMb.join(' and ')} MB`,
  );
});

/** The last `bytes` of a file: the report's summary, without reading 230 MB into the test. */
function tail(path: string, bytes: number): string {
  const fd = openSync(path, 'r');
  try {
    const size = statSync(path).size;
    const buf = Buffer.alloc(Math.min(bytes, size));
    readSync(fd, buf, 0, buf.length, size - buf.length);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** A lint of the files into a JSON report, checked to end normally with every finding counted. */
async function lintAll(out: string, folder: string, files: number, ...args: string[]): Promise<number> {
  const peak = peakRecorder(dir);
  const r = await runCliAsync(
    ['lint', folder, '--format', 'json', '-o', out, ...args],
    240_000,
    peak.nodeArgs,
  );
  assert.equal(r.signal, null, `killed (hang or out of memory): ${r.stderr.slice(0, 1000)}`);
  assert.equal(r.status, 1, r.stderr.slice(0, 1000));
  const summary = /"summary": (\{[^}]*\})\s*\}\s*$/.exec(tail(out, 400));
  assert.ok(summary, 'the report ends with its summary');
  assert.deepEqual(JSON.parse(summary[1]), { files, errors: files * KEYS, warnings: 0 });
  return peak.readMb();
}

describe('half a million findings across 1,000 files', () => {
  it(`lint reports every one of them under ${PEAK_LIMIT_MB} MB`, async () => {
    const out = join(dir, 'report.json');
    figures.peakMb = await lintAll(out, policies, FILES);
    figures.reportMb = Math.round(statSync(out).size / 1048576);
    assert.ok(figures.peakMb <= PEAK_LIMIT_MB, `lint peak ${figures.peakMb} MB`);
  });

  it(`lint --cache too, cold and warm (the cache keeps at most 100,000 findings)`, async () => {
    const cache = join(dir, 'cache.json');
    for (const run of ['cold', 'warm']) {
      const peakMb = await lintAll(join(dir, `${run}.json`), cached, CACHED_FILES, '--cache-location', cache);
      figures.cachePeaksMb.push(peakMb);
      assert.ok(peakMb <= PEAK_LIMIT_MB, `lint --cache (${run}) peak ${peakMb} MB`);
    }
  });
});
