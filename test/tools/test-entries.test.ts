// `npm test` runs each test file through an entry (scripts/test-entries.mjs) named for its place in
// the run's order, because Node 20's runner sorts the files it is given; the entry of a file that
// spawns dist/ waits until the build has written the gate, and the entry of a file that never uses
// dist/ starts at once with POLICYLENS_TEST_NO_DIST set, under which the LSP tests' client refuses
// to spawn the server. Here on three small files run by a real `node --test`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { distBuilt, writeEntries } from '../../scripts/test-entries.mjs';
import { spawnTransport } from '../lsp/serverProcess';

/** A test file that logs its name, whether POLICYLENS_TEST_NO_DIST is set, and runs `then`. */
function testFile(dir: string, name: string, then = ''): string {
  const file = join(dir, `${name}.js`);
  const log = JSON.stringify(join(dir, 'log'));
  writeFileSync(
    file,
    `require('node:test').test(${JSON.stringify(name)}, () => {
      require('node:fs').appendFileSync(${log}, ${JSON.stringify(name)} + ' ' + (process.env.POLICYLENS_TEST_NO_DIST ?? '-') + '\\n');
      ${then}
    });\n`,
  );
  return file;
}

test('entries keep the order given, and wait for dist/ unless their file does without it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'policylens-entries-'));
  try {
    const run = join(dir, 'run');
    // Given in an order that is not the files' names' order; the file without dist/ opens the gate
    // itself, so a gated file that did not wait would log before it.
    const files = [
      testFile(dir, 'c-gated'),
      testFile(
        dir,
        'b-no-dist',
        `require('node:fs').writeFileSync(${JSON.stringify(join(run, 'dist-built'))}, '');`,
      ),
      testFile(dir, 'a-gated'),
    ];
    const entries = writeEntries(run, files, new Set([files[1]]));
    assert.deepEqual([...entries].sort(), entries, 'the entries sort in the order given');
    assert.deepEqual(
      entries.map((e) => basename(e)),
      ['0-c-gated.mjs', '1-b-no-dist.mjs', '2-a-gated.mjs'],
    );
    // A runner of its own: with this variable it would take itself for one of this runner's files.
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const runner = spawn(process.execPath, ['--test', '--test-concurrency=2', ...entries], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env,
    });
    let output = '';
    runner.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [status] = await once(runner, 'exit');
    assert.equal(status, 0, output);
    const log = readFileSync(join(dir, 'log'), 'utf8').trim().split('\n');
    assert.equal(log[0], 'b-no-dist 1', 'the file without dist/ ran first, with the variable set');
    assert.deepEqual(log.slice(1).sort(), ['a-gated -', 'c-gated -']);
    // The gate, opened by `npm test` itself, is a file in the entries' directory.
    distBuilt(run);
    assert.equal(readFileSync(join(run, 'dist-built'), 'utf8'), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the LSP tests refuse to spawn dist/ in a file that runs before it is built', () => {
  process.env.POLICYLENS_TEST_NO_DIST = '1';
  try {
    assert.throws(() => spawnTransport(['--stdio'], process.env, []), /before dist\/ is built/);
  } finally {
    delete process.env.POLICYLENS_TEST_NO_DIST;
  }
});
