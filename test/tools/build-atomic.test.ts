// dist/ is rebuilt while processes read it: the real-editor suite packs the .vsix (vsce runs
// `vscode:prepublish`, a build) while other suites spawn dist/cli.js and dist/server.js. A file
// written in place is empty for a moment, and a CLI that started then printed nothing (a golden test
// failed with an empty stdout). The build now renames every output into place.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeAtomic } from '../../scripts/write-atomic.mjs';

const ROOT = join(__dirname, '..', '..');

test('writeAtomic replaces the file: a reader that opened the old one still reads it whole', () => {
  const dir = mkdtempSync(join(tmpdir(), 'policylens-atomic-'));
  try {
    const file = join(dir, 'bundle.js');
    writeFileSync(file, 'old '.repeat(1000));
    const fd = openSync(file, 'r');
    try {
      (writeAtomic as (p: string, c: string) => void)(file, 'new');
      assert.equal(readFileSync(fd, 'utf8'), 'old '.repeat(1000), 'the old file was not truncated');
    } finally {
      closeSync(fd);
    }
    assert.equal(readFileSync(file, 'utf8'), 'new');
    assert.deepEqual(readdirSync(dir), ['bundle.js'], 'no temporary file left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the build renames every bundle and source map into place, none written over in place', () => {
  const dist = join(ROOT, 'dist');
  const outputs = readdirSync(dist).filter((n) => /\.(js|map)$/.test(n));
  assert.ok(outputs.includes('cli-engine.js') && outputs.includes('server.js'), outputs.join(', '));
  const before = new Map(outputs.map((n) => [n, statSync(join(dist, n)).ino]));
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const inPlace = outputs.filter((n) => statSync(join(dist, n)).ino === before.get(n));
  assert.deepEqual(inPlace, [], 'written over in place (same inode) instead of renamed');
  assert.deepEqual(
    readdirSync(dist).filter((n) => n.endsWith('.tmp')),
    [],
    'no temporary file left in dist/',
  );
});

test('writeAtomic keeps the mode of the file it replaces, and makes a script executable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'policylens-atomic-'));
  const write = writeAtomic as (p: string, c: string | Uint8Array) => void;
  try {
    const kept = join(dir, 'private.js');
    writeFileSync(kept, 'old', { mode: 0o600 });
    write(kept, 'new');
    assert.equal(statSync(kept).mode & 0o777, 0o600);
    // The package's bin, made executable by npm when it linked this checkout: a rebuild during a
    // run left it 0644, and the action's drift step got "Permission denied".
    const bin = join(dir, 'cli.js');
    write(bin, new TextEncoder().encode('#!/usr/bin/env node\n'));
    assert.equal(statSync(bin).mode & 0o111, 0o111, 'a new script is executable');
    write(bin, '#!/usr/bin/env node\nnew');
    assert.equal(statSync(bin).mode & 0o111, 0o111, 'a rebuilt script stays executable');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the built CLI entry point is executable', () => {
  assert.equal(statSync(join(ROOT, 'dist', 'cli.js')).mode & 0o111, 0o111);
});
