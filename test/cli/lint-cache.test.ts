import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

/**
 * `lint --cache` gives the same report as a run without it, whatever changed in between (a file's
 * content, a touch, the config, the forced dialect, a damaged cache file); the cache is used.
 */
const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

describe('lint --cache', () => {
  let dir: string;
  const lint = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, 'lint', '.', '--format', 'json', ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  /** Cached and uncached runs must agree at every step. */
  const same = (why: string) => {
    const cold = lint();
    const warm = lint('--cache');
    assert.deepEqual(warm, cold, why);
    return cold;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pl-cache-'));
    cpSync(join(ROOT, 'examples', 'broken'), join(dir, 'broken'), { recursive: true });
    cpSync(join(ROOT, 'examples', 'policies'), join(dir, 'policies'), { recursive: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports what a run without it reports, first and second time', () => {
    const first = same('a cold cache');
    assert.equal(first.status, 1);
    assert.ok(existsSync(join(dir, '.policylens-cache', 'lint.json')));
    same('a warm cache');
  });

  it('follows a changed file, a touched one, the config and the forced dialect', () => {
    const file = join(dir, 'broken', 'invalid-mode.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('allow', 'block'));
    assert.doesNotMatch(same('a fixed file').stdout, /"allow"/);
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'policies', 'pii-protection.yaml'), later, later);
    same('a touched file');
    writeFileSync(join(dir, 'policylens.config.yaml'), 'rules:\n  schema/enum: off\n');
    assert.doesNotMatch(same('a rule turned off').stdout, /schema\/enum/);
    assert.deepEqual(lint('--cache', '--dialect', 'preloop'), lint('--dialect', 'preloop'));
  });

  it('starts afresh from a damaged cache file', () => {
    writeFileSync(join(dir, '.policylens-cache', 'lint.json'), '{"format": 1, "key": ');
    same('a damaged cache');
  });

  it('serves a file whose size and time are unchanged without reading it', () => {
    const file = join(dir, 'broken', 'extra-keys.yaml');
    // An hour old: a file written in the last seconds is always checked by content (racy times).
    const old = new Date(Date.now() - 3600_000);
    utimesSync(file, old, old);
    lint('--cache');
    const text = readFileSync(file, 'utf8');
    const st = statSync(file);
    // Same size, same time, other bytes: only a run that reads the file can see the change.
    writeFileSync(file, text.replace('polcyType', 'polxyType'));
    utimesSync(file, st.atime, st.mtime);
    assert.match(lint('--cache').stdout, /polcyType/);
    assert.match(lint().stdout, /polxyType/);
  });
});
