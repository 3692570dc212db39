/**
 * One process per PGlite data directory. PGlite is PostgreSQL in single-user mode without the
 * postmaster's lock file, so two processes on one directory would both write to it and corrupt it.
 * A lock file makes the second one fail with a clear message instead.
 *
 * The lock names its owner by pid and by the process's start time (from /proc/<pid>/stat, where
 * there is one): a pid alone is reused by the kernel, so after a crash an unrelated process could
 * hold the directory hostage forever. A lock whose process is gone, or whose pid now belongs to a
 * process that started at another time, is taken over; two processes taking over at once are
 * serialised by a second, short-lived lock so that neither removes the other's fresh lock.
 */
import { chmodSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_NAME = 'policylens-registry.lock';

/** A takeover that crashed leaves its lock behind; after this long it is not honoured. */
const TAKEOVER_STALE_MS = 10_000;

/** The start time of a process in clock ticks since boot (Linux), or undefined where unknown. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces or ')': count from the last.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Field 22 is the start time; after the name, field 3 is index 0.
    const start = fields[22 - 3];
    return start && /^\d+$/.test(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LockOwner {
  pid: number;
  /** The owner's start time, when the lock recorded one (older locks hold a bare pid). */
  start?: string;
}

/** Reads a lock file's content: `{"pid":…,"start":…}`, or a bare pid from older versions. */
export function parseLock(text: string): LockOwner | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed) };
  try {
    const v = JSON.parse(trimmed) as { pid?: unknown; start?: unknown };
    if (typeof v.pid !== 'number' || !Number.isInteger(v.pid) || v.pid <= 0) return undefined;
    return { pid: v.pid, ...(typeof v.start === 'string' ? { start: v.start } : {}) };
  } catch {
    return undefined;
  }
}

/**
 * Whether the lock's owner still runs: its pid exists and, when both the lock and the system
 * know a start time, that start time is the same (otherwise the pid was reused).
 */
export function ownerAlive(owner: LockOwner): boolean {
  if (!pidExists(owner.pid)) return false;
  if (owner.start === undefined) return true;
  const now = processStartTime(owner.pid);
  return now === undefined || now === owner.start;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Removes the lock at `path` if it still holds `stale`, under the takeover lock; false to retry. */
function takeOver(path: string, stale: string): boolean {
  const guard = `${path}.takeover`;
  try {
    writeFileSync(guard, String(process.pid), { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    try {
      if (Date.now() - statSync(guard).mtimeMs > TAKEOVER_STALE_MS) unlinkSync(guard);
    } catch {
      // Gone meanwhile: the other process finished its takeover.
    }
    return false;
  }
  try {
    // Another process may have taken over and locked since we read it: remove only what we judged.
    if (readOrUndefined(path) === stale) unlinkSync(path);
  } finally {
    unlinkSync(guard);
  }
  return true;
}

/**
 * Another process holds the directory. The message carries advice for serve and --create-key (give
 * the key to the running serve); `inUse` is the bare fact, for callers whose advice differs.
 */
export class DataDirInUse extends Error {
  constructor(readonly inUse: string) {
    super(`${inUse}; stop it first, or give it the key with POLICYLENS_SEED_KEY when starting it`);
  }
}

/**
 * Creates the directory if needed, private to its owner, and locks it; returns the function that
 * unlocks it. PGlite writes its files readable and writable by everyone (0666 whatever the umask):
 * the directory's own mode is what keeps the org's data and the hashes of its API keys from other
 * users of the machine, so a directory of ours that others can enter is made 0700, as PostgreSQL
 * insists on for its data directory.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  keepPrivate(dataDir);
  const path = join(dataDir, LOCK_NAME);
  const start = processStartTime(process.pid);
  const mine = JSON.stringify({ pid: process.pid, ...(start !== undefined ? { start } : {}) });
  for (let attempt = 0; attempt < 50; attempt++) {
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
    }
    const text = readOrUndefined(path);
    if (text === undefined) continue;
    const owner = parseLock(text);
    if (owner && ownerAlive(owner)) {
      const who = owner.pid === process.pid ? 'this process' : `process ${owner.pid}`;
      throw new DataDirInUse(`the data directory ${dataDir} is in use by ${who} (another policylens serve?)`);
    }
    // The owner is gone (or the file is not a lock we wrote): take it over.
    if (!takeOver(path, text)) sleep(20);
  }
  throw new Error(`could not lock the data directory ${dataDir}`);
}

/** Makes a directory the current user owns 0700 if group or others may use it (not on Windows). */
function keepPrivate(dir: string): void {
  if (process.platform === 'win32') return;
  const st = statSync(dir);
  if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) chmodSync(dir, 0o700);
}
