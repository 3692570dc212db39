import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

/**
 * dist/cli.js runs the CLI's bundle with V8's code cache kept in the user's cache directory
 * (server/src/cli/boot.ts): the output is the same with and without the cache, a cache is written
 * once per bundle and command, and a directory that others can write is never used.
 */
const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const EXAMPLES = join(ROOT, 'examples', 'broken');

describe('the CLI code cache', () => {
  const home = mkdtempSync(join(tmpdir(), 'policylens-v8-'));
  after(() => rmSync(home, { recursive: true, force: true }));
  const lint = (cacheHome: string, extra: Record<string, string> = {}) =>
    spawnSync(process.execPath, [CLI, 'lint', EXAMPLES, '--format', 'json'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, XDG_CACHE_HOME: cacheHome, ...extra },
    });
  const cacheFiles = (cacheHome: string) => {
    try {
      return readdirSync(join(cacheHome, 'policylens', 'v8')).filter((n) => n.endsWith('.bin'));
    } catch {
      return [];
    }
  };

  it('writes one cache per command and gives the same report with it as without', () => {
    const plain = lint(home, { POLICYLENS_NO_COMPILE_CACHE: '1' });
    assert.equal(plain.status, 1, plain.stderr);
    assert.deepEqual(cacheFiles(home), [], 'POLICYLENS_NO_COMPILE_CACHE writes nothing');
    const first = lint(home);
    assert.deepEqual(cacheFiles(home).length, 1, 'the first run writes the cache');
    assert.match(cacheFiles(home)[0], /-lint\.bin$/);
    const second = lint(home);
    for (const r of [first, second]) {
      assert.equal(r.status, plain.status);
      assert.equal(r.stdout, plain.stdout);
      assert.equal(r.stderr, plain.stderr);
    }
  });

  it('keeps one cache for every word that is not a command', () => {
    const typos = mkdtempSync(join(tmpdir(), 'policylens-v8-typo-'));
    try {
      for (const word of ['lnit', 'chian', 'snyc']) {
        const r = spawnSync(process.execPath, [CLI, word], {
          cwd: ROOT,
          encoding: 'utf8',
          env: { ...process.env, XDG_CACHE_HOME: typos },
        });
        assert.notEqual(r.status, 0, `${word} is not a command`);
      }
      assert.deepEqual(
        cacheFiles(typos).map((n) => n.replace(/^.*-/, '')),
        ['other.bin'],
        'three typos share the one cache of words that are no command',
      );
    } finally {
      rmSync(typos, { recursive: true, force: true });
    }
  });

  it('keeps the caches of two installs of one version apart, so each trace names its own file', () => {
    // V8 keeps the path of the compilation that wrote a cache: a shared cache made the server's
    // stack traces name another install's bundle (found by a field test).
    const cacheHome = mkdtempSync(join(tmpdir(), 'policylens-v8-installs-'));
    try {
      const runs = ['a', 'b'].map((install) => {
        const dir = join(cacheHome, install);
        mkdirSync(dir);
        for (const f of ['cli.js', 'cli-engine.js']) copyFileSync(join(ROOT, 'dist', f), join(dir, f));
        return spawnSync(process.execPath, [join(dir, 'cli.js'), 'lint', EXAMPLES, '--format', 'json'], {
          cwd: ROOT,
          encoding: 'utf8',
          env: { ...process.env, XDG_CACHE_HOME: cacheHome },
        });
      });
      for (const r of runs) assert.equal(r.status, 1, r.stderr);
      assert.equal(runs[0].stdout, runs[1].stdout);
      assert.equal(cacheFiles(cacheHome).length, 2, cacheFiles(cacheHome).join(', '));
    } finally {
      rmSync(cacheHome, { recursive: true, force: true });
    }
  });

  it('ignores a damaged cache file and replaces it', () => {
    const [name] = cacheFiles(home);
    writeFileSync(join(home, 'policylens', 'v8', name), 'not V8 code', { mode: 0o600 });
    const r = lint(home);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /"schema\/enum"/);
  });

  it('writes the cache again after a run that cost much more than the one that wrote it', () => {
    // The header: a magic number, then the CPU milliseconds the writing run spent after compiling.
    const [name] = cacheFiles(home);
    const file = join(home, 'policylens', 'v8', name);
    const costOf = () => readFileSync(file).readUInt32LE(4);
    const setCost = (ms: number) => {
      const bytes = readFileSync(file);
      bytes.writeUInt32LE(ms, 4);
      writeFileSync(file, bytes, { mode: 0o600 });
    };
    // Written by a run that cost nothing: a lint of 600 bundles (far more than the 50 ms of CPU
    // the rule asks on any machine) writes it again.
    setCost(0);
    const many = mkdtempSync(join(tmpdir(), 'policylens-v8-many-'));
    try {
      const bundle = readFileSync(join(EXAMPLES, 'invalid-mode.yaml'), 'utf8');
      for (let i = 0; i < 600; i++) writeFileSync(join(many, `p${i}.yaml`), bundle);
      const r = spawnSync(process.execPath, [CLI, 'lint', many, '--format', 'json'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, XDG_CACHE_HOME: home },
      });
      assert.equal(r.status, 1, r.stderr);
    } finally {
      rmSync(many, { recursive: true, force: true });
    }
    assert.ok(costOf() > 0, 'the cache was written again, with the cost of this run');
    // Written by a run far costlier than a lint of a few files: kept as it is.
    setCost(1_000_000);
    const before = readFileSync(file);
    assert.equal(lint(home).status, 1);
    assert.deepEqual(readFileSync(file), before, 'a cheaper run leaves the cache alone');
  });

  it('never uses a cache directory that others can write', () => {
    const open = mkdtempSync(join(tmpdir(), 'policylens-v8-open-'));
    try {
      mkdirSync(join(open, 'policylens', 'v8'), { recursive: true });
      chmodSync(join(open, 'policylens'), 0o777);
      chmodSync(join(open, 'policylens', 'v8'), 0o777);
      const r = lint(open);
      assert.equal(r.status, 1, r.stderr);
      assert.deepEqual(cacheFiles(open), [], 'nothing written into a directory open to others');
    } finally {
      rmSync(open, { recursive: true, force: true });
    }
  });
});
