import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI, HEAP_MB, type CliRun, type JsonReport } from './support/cli';
import { report } from './support/invariants';
import { PEAK_LIMIT_MB, peakRecorder } from './support/peak';

// Paths that are not policy files: a named pipe, a device, a 3 GB sparse file, a folder nobody may
// list. `lint`, `chain` and `sync` must answer each in bounded time and memory: a usage error when
// the path is an argument, an entry in the report when it is found under one.

const VALID =
  'name: only\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [search]\n';
/** A hang, not slowness: a run that needs this long is reported as killed. */
const TIMEOUT_MS = 30_000;

const dir = mkdtempSync(join(tmpdir(), 'policylens-paths-'));
// Where every run writes its peak memory, the runs as another user too.
const peaks = join(dir, 'peaks');
mkdirSync(peaks);
chmodSync(peaks, 0o777);
const counts = { runs: 0, peakMb: 0 };

after(() => {
  rmSync(dir, { recursive: true, force: true });
  report(
    `${counts.runs} CLI runs over pipes, devices, a 3 GB sparse file and unreadable folders, highest peak ${counts.peakMb} MB (bound ${PEAK_LIMIT_MB} MB)`,
  );
});

interface Run extends CliRun {
  peakMb: number;
}

/**
 * Runs `policylens` with a bounded heap and a safety timeout, recording its peak memory. `asUser`
 * drops root's privileges (root may read any folder, so an unreadable folder needs another user).
 */
function run(args: string[], options: { asUser?: boolean } = {}): Promise<Run> {
  const peak = peakRecorder(peaks);
  const drop = options.asUser && process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [`--max-old-space-size=${HEAP_MB}`, ...peak.nodeArgs, CLI, ...args],
      {
        timeout: TIMEOUT_MS,
        killSignal: 'SIGKILL',
        env: { ...process.env, POLICYLENS_API_URL: 'http://127.0.0.1:9', POLICYLENS_API_KEY: 'unused' },
        ...drop,
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status, signal) => {
      counts.runs++;
      let peakMb = NaN;
      if (!signal) {
        peakMb = peak.readMb();
        counts.peakMb = Math.max(counts.peakMb, peakMb);
      }
      resolve({ status, signal, stdout, stderr, peakMb });
    });
  });
}

function assertEnded(r: Run, context: string): void {
  assert.equal(r.signal, null, `${context}: killed (hang or out of memory)\n${r.stderr.slice(0, 2000)}`);
  assert.ok(r.peakMb <= PEAK_LIMIT_MB, `${context}: peak ${r.peakMb} MB`);
}

describe('paths that are not regular files, given as arguments', () => {
  before(() => {
    spawnSync('mkfifo', [join(dir, 'pipe.json')]);
    symlinkSync('/dev/zero', join(dir, 'zero.json'));
  });

  for (const [name, path] of [
    ['a named pipe', 'pipe.json'],
    ['/dev/zero', '/dev/zero'],
    ['a symlink to /dev/zero', 'zero.json'],
  ] as const)
    for (const command of ['lint', 'chain', 'sync'])
      it(`${command} of ${name}: a usage error, without opening it`, async () => {
        const r = await run([command, resolve(dir, path)]);
        assertEnded(r, `${command} ${name}`);
        assert.equal(r.status, 2, r.stderr);
        assert.match(r.stderr, /not a regular file/);
      });
});

describe('a folder holding a pipe, a device link and a 3 GB sparse file', () => {
  const folder = join(dir, 'mixed');
  before(() => {
    mkdirSync(folder);
    writeFileSync(join(folder, 'only.yaml'), VALID);
    spawnSync('mkfifo', [join(folder, 'pipe.json')]);
    symlinkSync('/dev/zero', join(folder, 'zero.json'));
    // Sparse: 3 GB by its size, no disk blocks. Reading it would allocate all of them. Its head
    // says it is a bundle (lint reads only the first 64 KB of a file too large to analyse, to tell
    // whether it is a policy at all; a 3 GB file of zeros is skipped as not one).
    writeFileSync(
      join(folder, 'huge.json'),
      '{"name": "huge", "policyType": "pii_access", "enforcementMode": "block",\n',
    );
    const t = spawnSync('truncate', ['-s', '3G', join(folder, 'huge.json')]);
    assert.equal(t.status, 0, String(t.stderr));
  });

  it('lint reports the sparse file as too large without reading it, and skips the pipe and the device', async () => {
    const r = await run(['lint', folder, '--format', 'json']);
    assertEnded(r, 'lint of the folder');
    assert.equal(r.status, 1, r.stderr);
    const rep = JSON.parse(r.stdout) as JsonReport;
    assert.deepEqual(
      // `file` is from the current directory (the run's, inherited); the names under the folder:
      rep.files.map((f) => [relative(folder, resolve(f.file)), f.findings.map((x) => x.code)]),
      [
        ['huge.json', ['parse/too-large']],
        ['only.yaml', []],
      ],
    );
    const text = await run(['lint', folder]);
    assertEnded(text, 'lint of the folder (text)');
    assert.match(
      text.stdout,
      /huge\.json — invalid\n\S*huge\.json:1:1: error: the file is 3072\.0 MB on disk/,
    );
  });

  it('chain and sync refuse the sparse file by its size', async () => {
    const chain = await run(['chain', folder]);
    assertEnded(chain, 'chain of the folder');
    assert.equal(chain.status, 0, chain.stderr);
    assert.match(chain.stderr, /huge\.json: skipped: the file is 3072\.0 MB on disk/);
    assert.match(chain.stdout, /only/);
    const sync = await run(['sync', folder]);
    assertEnded(sync, 'sync of the folder');
    assert.equal(sync.status, 1, sync.stderr);
    assert.match(sync.stderr, /huge\.json — invalid: the file is 3072\.0 MB on disk/);
  });
});

describe('folders that cannot be listed', () => {
  const locked = join(dir, 'locked');
  const outer = join(dir, 'outer');
  before(() => {
    // The other user must reach the folders.
    chmodSync(dir, 0o755);
    mkdirSync(locked);
    writeFileSync(join(locked, 'hidden.yaml'), VALID);
    mkdirSync(join(outer, 'inner'), { recursive: true });
    writeFileSync(join(outer, 'visible.yaml'), VALID);
    writeFileSync(join(outer, 'inner', 'hidden.yaml'), VALID);
    for (const f of [join(outer, 'visible.yaml'), join(locked, 'hidden.yaml')]) chmodSync(f, 0o644);
    chmodSync(outer, 0o755);
    chmodSync(locked, 0o000);
    chmodSync(join(outer, 'inner'), 0o000);
  });

  for (const command of ['lint', 'chain', 'sync'])
    it(`${command} of an unreadable folder: exit 2, saying so`, async () => {
      const r = await run([command, locked], { asUser: true });
      assertEnded(r, `${command} of an unreadable folder`);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /cannot read .*locked: permission denied/);
    });

  it('lint of a folder with an unreadable folder inside: that folder is an error entry, exit 1', async () => {
    const r = await run(['lint', outer, '--format', 'json'], { asUser: true });
    assertEnded(r, 'lint of a folder with an unreadable folder');
    assert.equal(r.status, 1, r.stderr);
    const rep = JSON.parse(r.stdout) as JsonReport;
    assert.deepEqual(
      rep.files.map((f) => [relative(outer, resolve(f.file)), f.valid, f.error]),
      [
        ['inner', false, 'cannot read directory: permission denied'],
        ['visible.yaml', true, undefined],
      ],
    );
    const text = await run(['lint', outer], { asUser: true });
    assert.match(text.stdout, /✗ inner — unreadable: cannot read directory: permission denied/);
    assert.match(text.stdout, /2 bundles validated, 1 error/);
  });

  it('chain and sync of a folder with an unreadable folder inside: exit 1, naming it', async () => {
    const chain = await run(['chain', outer], { asUser: true });
    assertEnded(chain, 'chain');
    assert.equal(chain.status, 1, chain.stderr);
    assert.match(chain.stderr, /inner: unreadable: cannot read directory: permission denied/);
    const sync = await run(['sync', outer], { asUser: true });
    assertEnded(sync, 'sync');
    assert.equal(sync.status, 1, sync.stderr);
    assert.match(sync.stderr, /inner — invalid: cannot read directory: permission denied/);
  });
});
