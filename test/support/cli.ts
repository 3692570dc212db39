import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

/**
 * Runs the built CLI from the repository root, as a user (or CI) would: without colour (NO_COLOR,
 * and a FORCE_COLOR of the test's own environment left out) unless `env` says otherwise.
 */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
): { stdout: string; stderr: string; status: number } {
  const { FORCE_COLOR: _force, ...inherited } = process.env;
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...inherited, NO_COLOR: '1', ...env },
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
}
