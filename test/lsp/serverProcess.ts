// The built server as a child process, and what a test client needs of any server it talks to.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const SERVER_JS = resolve(__dirname, '../../dist/server.js');

/** How the client reaches a server: the bytes it writes and reads, and the server's life. */
export interface Transport {
  input: Writable;
  output: Readable;
  exited: Promise<number | null>;
  alive(): boolean;
  kill(): void;
  onStderr?(listener: (text: string) => void): void;
  /** The spawned process, when there is one. */
  proc?: ChildProcess;
  /** The `processId` sent at initialize: the server exits when that process is gone. */
  processId: number | null;
}

/** Spawns `node dist/server.js` and speaks to it over its stdio. */
export function spawnTransport(args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[]): Transport {
  // `npm test` starts the files of its WITHOUT_DIST list while dist/ is still being built
  // (scripts/test-entries.mjs): a server spawned there could be the last build's.
  if (process.env.POLICYLENS_TEST_NO_DIST)
    throw new Error(
      'this file runs before dist/ is built (WITHOUT_DIST in scripts/test.mjs): it cannot spawn it',
    );
  const proc = spawn(process.execPath, [...nodeArgs, SERVER_JS, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env,
  });
  return {
    proc,
    input: proc.stdin!,
    output: proc.stdout!,
    exited: new Promise((res) => proc.on('exit', (code) => res(code))),
    alive: () => proc.exitCode === null && proc.signalCode === null,
    kill: () => proc.kill(),
    onStderr: (listener) => proc.stderr!.on('data', (chunk: Buffer) => listener(chunk.toString())),
    processId: process.pid,
  };
}
