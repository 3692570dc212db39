/**
 * `policylens serve`: the local policy registry. The registry runs as its own bundle
 * (dist/registry.js) in a child process: it carries PGlite's WebAssembly next to it, and keeping it
 * out of the CLI bundle keeps every other command quick to start.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { USAGE } from '../../../../registry/usage';
import type { Command } from './types';

/** dist/registry.js next to dist/cli.js; from the sources (tests under tsx), registry/main.ts. */
function registryEntry(): string[] {
  const bundled = join(__dirname, 'registry.js');
  if (existsSync(bundled)) return [bundled];
  const source = resolve(__dirname, '../../../../registry/main.ts');
  if (existsSync(source)) return ['--import', 'tsx', source];
  throw new Error('dist/registry.js is missing: run `npm run build` first');
}

export const serve: Command = {
  name: 'serve',
  summary: 'run the local Execlave-compatible policy registry (PGlite or PostgreSQL)',
  help: USAGE,
  run(argv, io) {
    // The IPC channel is the child's lifeline: when this process dies, even by SIGKILL, the kernel
    // closes it and the registry shuts down (registry/main.ts) instead of serving on as an orphan
    // that holds the port and the data directory's lock.
    const child = spawn(process.execPath, [...registryEntry(), ...argv], {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    });
    // Ctrl-C reaches the whole process group, but a signal sent to this process alone must reach
    // the registry too, so that it closes its database cleanly.
    let forwarded = false;
    const forward = (signal: NodeJS.Signals) => () => {
      forwarded = true;
      child.kill(signal);
    };
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    return new Promise<number>((done) => {
      child.on('error', (e) => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        io.err(`policylens serve: could not start the registry: ${e.message}\n`);
        done(1);
      });
      child.on('exit', (code, signal) => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        // A signal this process did not pass on: someone stopped the registry itself.
        if (signal && !forwarded)
          io.err(`policylens serve: the registry (pid ${child.pid}) was stopped by ${signal}\n`);
        done(code ?? (signal ? 1 : 0));
      });
    });
  },
};
