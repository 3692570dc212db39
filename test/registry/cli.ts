/** `policylens` as a child process, for the suite's tests of the CLI against a live registry. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * `policylens serve …` as a process: the built CLI when `npm test` has just built it, else the
 * sources under tsx (running this file alone).
 */
export function policylens(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const cli =
    existsSync('dist/cli.js') && existsSync('dist/registry.js')
      ? ['dist/cli.js']
      : ['--import', 'tsx', 'server/src/cli/main.ts'];
  return spawn(process.execPath, [...cli, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
}

/** Runs the CLI to its end: exit code and what it printed. */
export async function policylensRun(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = policylens(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stdout, stderr };
}

/** Spawns `policylens serve` and waits for its "listening on" line. */
export async function spawnServe(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = policylens(['serve', '--port', '0', ...args]);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) =>
      reject(new Error(`serve exited with ${code} before listening:\n${out}\n${err}`)),
    );
  });
  return { child, url };
}

export async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}
