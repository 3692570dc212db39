// The one way tests run the registry as a process of its own: `node dist/registry.js …` (sync's
// crash tests, the real-editor suite) or `node dist/cli.js serve …` (the hardening tests), started
// on a free loopback port, ready once it prints its URL. A test that needs no process starts
// `startRegistry` from registry/index.ts in its own process instead.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface RegistryProcess {
  url: string;
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** SIGTERM (SIGKILL 5 s later if it is still running); resolves once the process exited. */
  stop(): Promise<void>;
}

export interface RegistryProcessOptions {
  /** Added to this process's environment (`POLICYLENS_SEED_KEY`: keys stay off the command line). */
  env?: NodeJS.ProcessEnv;
  /** Each chunk of stderr as it arrives (a test's debug output). */
  onStderr?: (text: string) => void;
  timeoutMs?: number;
}

/** Spawns `node script ...args` and resolves with its loopback URL once it prints one. */
export async function spawnRegistry(
  script: string,
  args: string[],
  options: RegistryProcessOptions = {},
): Promise<RegistryProcess> {
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`node esbuild.mjs\` first`);
  const child = spawn(process.execPath, [script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let out = '';
  let stdout = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
    options.onStderr?.(d.toString());
  });
  const timeoutMs = options.timeoutMs ?? 60_000;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the registry printed no URL in ${timeoutMs / 1000} s:\n${out}`)),
      timeoutMs,
    );
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      stdout += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the registry exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(kill);
    },
  };
}
