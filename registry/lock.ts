/**
 * One process per PGlite data directory. PGlite is PostgreSQL in single-user mode without the
 * postmaster's lock file, so two processes on one directory would both write to it and corrupt it.
 * A lock file holding the owner's pid makes the second one fail with a clear message instead; a
 * lock left by a process that died is taken over.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_NAME = 'policylens-registry.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates the directory if needed and locks it; returns the function that unlocks it. */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_NAME);
  const mine = String(process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, mine, { flag: 'wx' });
      return () => {
        try {
          if (readFileSync(path, 'utf8') === mine) unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
        const who = owner === process.pid ? 'this process' : `process ${owner}`;
        throw new Error(
          `the data directory ${dataDir} is in use by ${who} (another policylens serve?); stop it first, or use --seed-key when starting it`,
        );
      }
      unlinkSync(path);
    }
  }
  throw new Error(`could not lock the data directory ${dataDir}`);
}
