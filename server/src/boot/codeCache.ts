/**
 * Compiles a bundle with V8's code cache. Compiling a bundle of a megabyte or more, and the
 * functions it then runs, is a fixed cost of every process that loads it (the CLI, the language
 * server, the extension); Node 20 has no `module.enableCompileCache`, so the bundle is compiled here
 * with `vm.Script` and the code V8 produced is kept for the next run (docs/decisions/cli-startup.md).
 *
 * The cache lives in the user's own cache directory (`$XDG_CACHE_HOME/policylens/v8`, else
 * `~/.cache/policylens/v8`), which must be a directory owned by the user and closed to others, as
 * the registry's PGlite template is: code read from a place another user can write would run as
 * ours. A cache file is named by a hash of the bundle, its path, Node's version and the cache's use,
 * so a rebuilt bundle never meets a cache of another one (V8 itself only checks the text's length),
 * and a stack trace names the file that ran: V8 keeps the path of the compilation that wrote the
 * cache, and two installs of one version shared it (a trace named the other install's file). A
 * packed bundle names its own hash (bundle.ts): its loaders then never load `crypto` (about 5 ms
 * of CPU at every start of the language server).
 * Anything unusual (no such directory, another owner, Windows, POLICYLENS_NO_COMPILE_CACHE set)
 * compiles without a cache. This file imports nothing but Node.
 */
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
import { isAbsolute, join } from 'node:path';
import { Script } from 'node:vm';

/** Cache files kept at most (several builds of several checkouts share the directory). */
const MAX_FILES = 24;

/**
 * A cache file is this magic number, the CPU milliseconds the run that wrote it spent after the
 * bundle's compilation (both 32-bit little-endian), then V8's data. A file without them is no
 * cache (it is written again).
 */
const MAGIC = 0x31434c50;
const HEADER_BYTES = 8;

/**
 * A CLI run whose CPU after the compilation exceeds the writer's by this factor and this margin
 * writes the cache again at its exit. V8 keeps what the writing run had compiled, and a first `lint` of one file leaves out
 * most of what a lint of 1,000 needs (the chain's findings, the report's paths, the rarer schema
 * problems), which every later large run then compiled from the source again: 16 ms of CPU and
 * 23 ms of wall at 1,000 files (docs/decisions/perf.md). Each rewrite is about 10 ms, once per
 * bigger kind of run.
 */
const REFRESH_FACTOR = 2;
const REFRESH_MARGIN_MS = 50;

/** The process's CPU time so far, all threads, in milliseconds. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return Math.round((user + system) / 1000);
}

/** V8's data with the header: the magic and what the run cost after the compilation. */
function withHeader(data: Buffer, runMs: number): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(Math.max(0, Math.min(runMs, 0xffffffff)), 4);
  return Buffer.concat([header, data]);
}

/** What Node's CommonJS loader passes a module: exports, require, module, __filename, __dirname. */
export type ModuleWrapper = (
  exports: unknown,
  require: NodeJS.Require,
  module: { exports: unknown },
  filename: string,
  dirname: string,
) => void;

export interface CompileRequest {
  /** The bundle's text. */
  source: string;
  /** The file the code is named after in stack traces and source maps. */
  filename: string;
  /**
   * What identifies the bundle for the cache's name: its text, or the SHA-256 of it (base64url)
   * when the bundle already names it (a packed bundle's header), which saves hashing it.
   */
  identity: string | Buffer | { sha256: string };
  /** Which cache: each holds the functions its use compiled (a CLI command, the server, …). */
  use: string;
  /**
   * When a missing or rejected cache is written: at the process's exit (a CLI command), or this many
   * milliseconds after the compilation (a long-running process, which may never exit cleanly).
   */
  saveAfterMs?: number;
}

export interface Compiled {
  wrapper: ModuleWrapper;
  /** `hit`: V8 accepted the cache; `miss`: compiled from the text (a cache is written); `off`. */
  cache: 'hit' | 'miss' | 'off';
}

/** SHA-256 of the parts in a row, base64url; `crypto` is loaded here, when a name must be computed. */
function sha256(...parts: (string | Buffer)[]): string {
  const { createHash } = createRequire(__filename)('node:crypto') as typeof import('node:crypto');
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  return hash.digest('base64url');
}

/** Node's version, architecture and flags, which a cache is only valid for. */
function runtimeText(): string {
  return `${process.version}\0${process.arch}\0${process.execArgv.join(' ')}`;
}

/**
 * Node's version, architecture and flags ({@link runtimeText}), and the bundle's path, as a short
 * name. Not a guard: V8 rejects a cache of another version or other flags itself; this only keeps
 * them apart.
 */
function runtimeTag(filename: string): string {
  const text = `${runtimeText()}\0${filename}`;
  // Two 32-bit multiply-xor lanes (FNV-1a and a second prime): 64 bits, for a short text.
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return ((a >>> 0).toString(36) + (b >>> 0).toString(36)).padStart(14, '0');
}

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
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
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

/** The bundle compiled with the cached code, or undefined when there is no cache to trust. */
export function compileCached(request: CompileRequest): Compiled | undefined {
  const dir = cacheDir();
  if (!dir) return undefined;
  const { identity } = request;
  const key =
    typeof identity === 'object' && 'sha256' in identity
      ? `${identity.sha256.slice(0, 32)}-${runtimeTag(request.filename)}`
      : sha256(identity, `\0${runtimeText()}\0${request.filename}`).slice(0, 32);
  const file = join(dir, `${key}-${request.use}.bin`);
  const stored = readOwned(file);
  const valid = !!stored && stored.length > HEADER_BYTES && stored.readUInt32LE(0) === MAGIC;
  const cachedData = valid ? stored.subarray(HEADER_BYTES) : undefined;
  const writerMs = valid ? stored.readUInt32LE(4) : 0;
  const script = new Script(Module.wrap(request.source), { filename: request.filename, cachedData });
  const hit = Boolean(cachedData) && !script.cachedDataRejected;
  const compiledMs = cpuMs();
  // Later, so the cache also holds the functions the process compiled on the way.
  const write = (runMs: number) => {
    try {
      save(dir, file, withHeader(script.createCachedData(), runMs));
    } catch {
      // Another process wrote it at the same moment, or the disk is full: no cache this time.
    }
  };
  if (request.saveAfterMs !== undefined) {
    if (!hit) setTimeout(() => write(cpuMs() - compiledMs), request.saveAfterMs).unref();
  } else
    process.once('exit', () => {
      const runMs = cpuMs() - compiledMs;
      if (!hit || (runMs > REFRESH_FACTOR * writerMs && runMs > writerMs + REFRESH_MARGIN_MS)) write(runMs);
    });
  return { wrapper: script.runInThisContext() as ModuleWrapper, cache: hit ? 'hit' : 'miss' };
}

/**
 * The text of a packed bundle: inflated once, then read from the cache directory (a file named by
 * the text's hash, `sha256`, which the packed bundle names), which saves the inflation (≈ 10 ms of
 * CPU) at every later start. Without a cache directory we can trust, it is inflated every time.
 */
export function inflateCached(
  sha256: string,
  packed: Buffer,
  inflate: (packed: Buffer) => Buffer,
): { text: string; cached: boolean } {
  let dir: string | undefined;
  try {
    dir = cacheDir();
  } catch {
    dir = undefined;
  }
  const file = dir && join(dir, `${sha256.slice(0, 32)}.js`);
  const kept = file && readOwned(file);
  if (kept) return { text: kept.toString('utf8'), cached: true };
  const text = inflate(packed);
  if (dir && file)
    setTimeout(() => {
      try {
        save(dir, file, text);
      } catch {
        // Another process wrote it at the same moment, or the disk is full: inflated next time too.
      }
    }, 1_000).unref();
  return { text: text.toString('utf8'), cached: false };
}

/** The bundle compiled with the code cache when there is one to trust, and without it otherwise. */
export function compileBundle(request: CompileRequest): Compiled {
  try {
    const compiled = compileCached(request);
    if (compiled) return compiled;
  } catch {
    // An unreadable cache directory: compile as if there were none.
  }
  const script = new Script(Module.wrap(request.source), { filename: request.filename });
  return { wrapper: script.runInThisContext() as ModuleWrapper, cache: 'off' };
}
