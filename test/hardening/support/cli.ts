import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..', '..');
export const CLI = join(REPO, 'dist', 'cli.js');

/** The heap every hostile run gets: a policy linter that needs more is a finding in itself. */
export const HEAP_MB = 256;

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `policylens` with a bounded heap and a generous safety timeout (a hang fails the test
 * instead of the suite). The timeout is not a speed assertion: it is ten times what it needs.
 */
export function runCli(args: string[], timeoutMs = 60_000): CliRun {
  const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, CLI, ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The same, without blocking the event loop (for runs that race another process, or that a test
 * watches). `nodeArgs` go before the CLI (a peak-memory recorder); a kill at the timeout is SIGKILL.
 */
export function runCliAsync(args: string[], timeoutMs = 60_000, nodeArgs: string[] = []): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, ...nodeArgs, CLI, ...args], {
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    // Decoded as streams: a chunk may end inside a character (the arrows of a breadcrumb).
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

export interface JsonReport {
  files: { file: string; dialect: string; valid: boolean; findings: { code: string }[]; error?: string }[];
  summary: { files: number; errors: number; warnings: number };
}

/**
 * A lint run that ended normally: exit 0 or 1 (not killed, not out of memory, not a usage error),
 * nothing on stderr (the CLI prints an unexpected exception there), and a JSON report on stdout.
 */
export function assertNormalLint(r: CliRun, context: string): JsonReport {
  assert.equal(r.signal, null, `${context}: killed by ${r.signal} (timeout or out of memory)\n${r.stderr}`);
  assert.ok(r.status === 0 || r.status === 1, `${context}: exit ${r.status}\n${r.stderr.slice(0, 2000)}`);
  assert.equal(r.stderr, '', `${context}: stderr is not empty`);
  let report: JsonReport;
  try {
    report = JSON.parse(r.stdout) as JsonReport;
  } catch {
    assert.fail(`${context}: stdout is not a JSON report: ${r.stdout.slice(0, 500)}`);
  }
  return report;
}
