import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { cases, expectJson, expectText, UPDATE } from '../support/fixtures';

/**
 * `lint --fix` golden files (test/fixtures/fix/<case>/): `input/` is copied to a temporary
 * directory; `lint --fix-dry-run .` must print `diff.txt` and change nothing; `lint --fix .` must
 * leave exactly the files of `expected/` and print `report.txt` (what is left), with the exit
 * statuses and messages in `result.json`. The dry run's diff, applied with git apply, gives the
 * same files as --fix. A case's `args.json` gives the paths instead of `.` (a pre-commit hook names
 * the staged files).
 */
const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

function filesUnder(dir: string, base = dir): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) Object.assign(out, filesUnder(p, base));
    else out[relative(base, p)] = readFileSync(p, 'utf8');
  }
  return out;
}

function cli(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A file that `lint --fix` of some files fixes is written as `lint --fix .` of the whole project
 * writes it, byte for byte, except a bundle whose `id` the run keeps (stderr says so: a bundle it
 * does not lint names it by that id).
 */
function sameAsWholeProject(dir: string, paths: string[], after: Record<string, string>, stderr: string) {
  const whole = mkdtempSync(join(tmpdir(), 'pl-fix-whole-'));
  try {
    cpSync(join(dir, 'input'), whole, { recursive: true });
    cli(whole, ['lint', '.', '--fix']);
    const fixedWhole = filesUnder(whole);
    for (const path of paths) {
      if (stderr.includes(`kept "id" in ${path}:`)) continue;
      assert.equal(after[path], fixedWhole[path], `${path} as lint --fix . writes it`);
    }
  } finally {
    rmSync(whole, { recursive: true, force: true });
  }
}

describe('lint --fix and --fix-dry-run (test/fixtures/fix)', () => {
  for (const c of cases('fix')) {
    it(c.name, () => {
      const root = mkdtempSync(join(tmpdir(), 'pl-fix-'));
      try {
        cpSync(join(c.dir, 'input'), root, { recursive: true });
        const input = filesUnder(root);
        const argsFile = join(c.dir, 'args.json');
        const paths = existsSync(argsFile) ? (JSON.parse(readFileSync(argsFile, 'utf8')) as string[]) : ['.'];
        const dry = cli(root, ['lint', ...paths, '--fix-dry-run']);
        expectText(join(c.dir, 'diff.txt'), dry.stdout);
        assert.deepEqual(filesUnder(root), input, 'a dry run writes nothing');

        const fixed = cli(root, ['lint', ...paths, '--fix']);
        expectText(join(c.dir, 'report.txt'), fixed.stdout);
        expectJson(join(c.dir, 'result.json'), {
          dryRun: { status: dry.status, stderr: dry.stderr },
          fix: { status: fixed.status, stderr: fixed.stderr },
        });
        const after = filesUnder(root);
        const expectedDir = join(c.dir, 'expected');
        if (UPDATE) {
          rmSync(expectedDir, { recursive: true, force: true });
          for (const [file, text] of Object.entries(after))
            if (text !== input[file]) {
              mkdirSync(dirname(join(expectedDir, file)), { recursive: true });
              cpSync(join(root, file), join(expectedDir, file));
            }
        }
        // expected/ holds the files --fix changed; every other file is untouched.
        const changed = filesUnder(expectedDir);
        assert.deepEqual(after, { ...input, ...changed });
        assert.equal(
          Object.keys(changed).length > 0,
          dry.status === 1,
          'the dry run exits 1 exactly when it would fix',
        );
        assert.deepEqual(
          readdirSync(root).filter((n) => n.includes('.policylens-')),
          [],
          'no temporary file is left behind',
        );
        if (existsSync(argsFile)) sameAsWholeProject(c.dir, paths, after, fixed.stderr);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  }

  it('the dry run diff applies with git apply and gives what --fix writes', () => {
    const c = cases('fix').find((x) => x.name === 'yaml-mixed')!;
    const root = mkdtempSync(join(tmpdir(), 'pl-fix-apply-'));
    try {
      cpSync(join(c.dir, 'input'), root, { recursive: true });
      const diff = cli(root, ['lint', '.', '--fix-dry-run']).stdout;
      const r = spawnSync('git', ['apply', '-'], { cwd: root, input: diff, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      for (const [file, text] of Object.entries(filesUnder(join(c.dir, 'expected'))))
        assert.equal(readFileSync(join(root, file), 'utf8'), text, file);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
