import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cases, expectJson, expectText } from '../support/fixtures';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

/** Runs the built CLI from the repository root, as a user (or CI) would. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
): { stdout: string; stderr: string; status: number } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 60_000,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
}

describe('CLI golden outputs (test/fixtures/cli)', () => {
  for (const c of cases('cli')) {
    it(c.name, () => {
      const args = JSON.parse(readFileSync(join(c.dir, 'args.json'), 'utf8')) as string[];
      const r = runCli(args);
      expectText(join(c.dir, 'stdout.txt'), r.stdout);
      expectText(join(c.dir, 'stderr.txt'), r.stderr);
      expectJson(join(c.dir, 'status.json'), { status: r.status });
    });
  }

  it('exit status follows the result: 0 valid, 1 invalid, 2 usage', () => {
    assert.equal(runCli(['lint', 'examples/policies']).status, 0);
    assert.equal(runCli(['lint', 'examples/broken']).status, 1);
    assert.equal(runCli(['lint', 'does/not/exist']).status, 2);
  });
});
