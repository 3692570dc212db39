/**
 * The `policylens` command's entry point (dist/cli.js): it runs the CLI's bundle (dist/cli-engine.js)
 * with V8's code cache. Compiling the 1.6 MB bundle, and the functions a command then runs, is a
 * fixed cost of every invocation (about 50–70 ms of CPU on this project's machines, a quarter of a
 * warm `lint --cache`); Node 20 has no `module.enableCompileCache`, so the bundle is compiled here
 * with `vm.Script` and the code V8 produced is kept for the next run (docs/decisions/cli-startup.md).
 *
 * The cache lives in the user's own cache directory (`$XDG_CACHE_HOME/policylens/v8`, else
 * `~/.cache/policylens/v8`), which must be a directory owned by the user and closed to others, as
 * the registry's PGlite template is: code read from a place another user can write would run as
 * ours. A cache file is named by a hash of the bundle's text, Node's version and the command, so a
 * rebuilt bundle never meets a cache of another one (V8 itself only checks the text's length).
 * Anything unusual (no such directory, another owner, Windows, POLICYLENS_NO_COMPILE_CACHE set)
 * runs the bundle without a cache, exactly as `require` would. This file imports nothing but Node.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  constants,
} from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { Script } from 'node:vm';

const ENGINE = join(__dirname, 'cli-engine.js');
/** The CLI's commands (cli/commands/), each with a cache of its own. */
const COMMANDS = new Set(['lint', 'chain', 'sync', 'history', 'serve', 'eval', 'test', 'replay']);
/** Cache files kept at most (several builds of several checkouts share the directory). */
const MAX_FILES = 24;

/** The directory is ours and closed to others (it is made so when missing). */
function owned(dir: string, uid: number): boolean {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  return st.isDirectory() && st.uid === uid && (st.mode & 0o077) === 0;
}

/** The code cache directory, or undefined when there is none we can trust. */
function cacheDir(): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined || process.env.POLICYLENS_NO_COMPILE_CACHE) return undefined;
  const xdg = process.env.XDG_CACHE_HOME;
  const root = join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'policylens');
  const dir = join(root, 'v8');
  return owned(root, uid) && owned(dir, uid) ? dir : undefined;
}

/** A cache file's bytes when it is a regular file of ours that only we can write. */
function readOwned(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.uid !== process.getuid?.() || (st.mode & 0o022) !== 0) return undefined;
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes the cache atomically, and keeps the directory to the most recent MAX_FILES files. */
function save(dir: string, file: string, data: Buffer): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, data, { mode: 0o600, flag: 'wx' });
  renameSync(temp, file);
  const names = readdirSync(dir);
  if (names.length <= MAX_FILES) return;
  const byAge = names
    .map((n) => ({ n, t: lstatSync(join(dir, n)).mtimeMs }))
    .sort((a, b) => a.t - b.t)
    .slice(0, names.length - MAX_FILES);
  for (const { n } of byAge) unlinkSync(join(dir, n));
}

/** The bundle compiled with the cached code, or undefined to fall back to `require`. */
function compiled(): ((...args: unknown[]) => void) | undefined {
  const dir = cacheDir();
  if (!dir) return undefined;
  const source = readFileSync(ENGINE, 'utf8');
  // One cache per command: each holds the functions its command compiled, not only the top level.
  // Only the commands that exist get a file of their own: a typo must not leave a cache behind.
  const arg = process.argv[2] ?? '';
  const command = COMMANDS.has(arg) ? arg : 'other';
  const key = createHash('sha256')
    .update(source)
    .update(`\0${process.version}\0${process.arch}\0${process.execArgv.join(' ')}`)
    .digest('base64url')
    .slice(0, 32);
  const file = join(dir, `${key}-${command}.bin`);
  const cachedData = readOwned(file);
  const script = new Script(Module.wrap(source), { filename: ENGINE, cachedData });
  if (!cachedData || script.cachedDataRejected)
    // After the run, so the cache holds the functions the command compiled on the way.
    process.once('exit', () => {
      try {
        save(dir, file, script.createCachedData());
      } catch {
        // Another run wrote it at the same moment, or the disk is full: no cache this time.
      }
    });
  return script.runInThisContext() as (...args: unknown[]) => void;
}

let wrapper: ((...args: unknown[]) => void) | undefined;
try {
  wrapper = compiled();
} catch {
  wrapper = undefined;
}
if (wrapper) {
  // What Node's CommonJS loader passes a module: exports, require, module, __filename, __dirname.
  const mod = new Module(ENGINE, module);
  mod.filename = ENGINE;
  wrapper.call(mod.exports, mod.exports, createRequire(ENGINE), mod, ENGINE, dirname(ENGINE));
} else createRequire(ENGINE)(ENGINE);
