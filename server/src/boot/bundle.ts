/**
 * Loads dist/policylens.js.br: the one bundle of the extension and the language server, packed
 * with brotli (esbuild.mjs). The .vsix ships it instead of two minified bundles: the LSP libraries
 * both sides use are in it once, and brotli packs it to about 80 % of what the .vsix's deflate
 * does (docs/decisions/marketplace.md). Two small loaders run it: dist/extension.js (the
 * extension's `main`) and dist/server.js (the language server, and its replay worker threads).
 * Inflating takes about 10 ms, once: the text is then kept in the code cache's directory; the code
 * compiles through V8's code cache (codeCache.ts). The packed file begins with a line that names
 * its text's SHA-256 ({@link PACKED_HEADER}, written by esbuild.mjs with the packed bytes, in one
 * file): the caches are named by it, and no start hashes the bundle. This file imports nothing but
 * Node.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { compileBundle, inflateCached } from './codeCache';

type Zlib = typeof import('node:zlib');

/** The bundle's name in dist/: the packed file is this plus `.br`, its source map this plus `.map`. */
export const BUNDLE = 'policylens.js';

/** The packed file's first line: this, the text's SHA-256 in base64url, and a line feed. */
export const PACKED_HEADER = 'policylens-bundle sha256=';

/** The text's hash the packed file names, and the brotli stream after that line. */
export function readPacked(file: string): { sha256: string; packed: Buffer } {
  const bytes = readFileSync(file);
  const end = bytes.indexOf(10);
  const line = end > 0 && end < 128 ? bytes.subarray(0, end).toString('latin1') : '';
  const sha256 = line.startsWith(PACKED_HEADER) ? line.slice(PACKED_HEADER.length) : '';
  if (!/^[\w-]{43}$/.test(sha256)) throw new Error(`${file} does not name its text's hash: rebuild it`);
  return { sha256, packed: bytes.subarray(end + 1) };
}

/** How long the load took, in ms of the process's clock (the server and the extension log it). */
export interface LoadTimings {
  /** When the load began, since the process started. */
  startedAt: number;
  readMs: number;
  /** Inflating, or reading the text inflated by an earlier start (`inflatedBefore`). */
  inflateMs: number;
  inflatedBefore: boolean;
  compileMs: number;
  runMs: number;
  cache: 'hit' | 'miss' | 'off';
}

export interface Loaded<T> {
  exports: T;
  timings: LoadTimings;
}

/**
 * Runs the packed bundle next to `loader` (the file of the loader that calls) as a CommonJS module
 * and returns its exports. `__filename` in the bundle is the loader's, so code that starts a worker
 * on "this file" starts the loader again. `deferred`: modules of Node's that the bundle gets as
 * stand-ins, loaded at their first use rather than as the bundle's modules are evaluated.
 */
export function loadBundle<T>(loaderFile: string, use: string, deferred: readonly string[] = []): Loaded<T> {
  const dir = dirname(loaderFile);
  const nodeRequire = createRequire(loaderFile);
  const t0 = performance.now();
  const { sha256, packed } = readPacked(join(dir, `${BUNDLE}.br`));
  const t1 = performance.now();
  // zlib only when there is something to inflate: a later start reads the text inflated before.
  const { text: source, cached } = inflateCached(sha256, packed, (p) =>
    (nodeRequire('node:zlib') as Zlib).brotliDecompressSync(p),
  );
  const t2 = performance.now();
  const compiled = compileBundle({
    source,
    filename: join(dir, BUNDLE),
    identity: { sha256 },
    use,
    saveAfterMs: 3_000,
  });
  const t3 = performance.now();
  const mod = { exports: {} as T };
  const bundleRequire = deferred.length ? deferring(nodeRequire, deferred) : nodeRequire;
  compiled.wrapper.call(mod.exports, mod.exports, bundleRequire, mod, loaderFile, dir);
  const t4 = performance.now();
  const ms = (a: number, b: number) => Math.round((b - a) * 10) / 10;
  return {
    exports: mod.exports,
    timings: {
      startedAt: Math.round(t0),
      readMs: ms(t0, t1),
      inflateMs: ms(t1, t2),
      inflatedBefore: cached,
      compileMs: ms(t2, t3),
      runMs: ms(t3, t4),
      cache: compiled.cache,
    },
  };
}

/** One line for the logs: where the time of the load went. */
export function describeLoad(t: LoadTimings): string {
  const cache = {
    hit: 'with the code cache',
    miss: 'without a code cache (one is written)',
    off: 'no code cache',
  };
  return `bundle loaded from ${t.startedAt} ms: read ${t.readMs} ms, ${t.inflatedBefore ? 'its text read from the cache in' : 'inflated in'} ${t.inflateMs} ms, compiled ${t.compileMs} ms (${cache[t.cache]}), evaluated ${t.runMs} ms`;
}

/**
 * A module of Node's as an object that loads it at its first use: the bundle's libraries require
 * some as they load (vscode-languageserver `child_process`, our replay worker `readline` and
 * `worker_threads`) and call them only later, if ever. Each costs 1.5–4 ms of CPU to load.
 */
function standIn(id: string, nodeRequire: NodeJS.Require): object {
  let real: object | undefined;
  const load = () => (real ??= nodeRequire(id) as object);
  return new Proxy(
    {},
    {
      get: (_, key) => Reflect.get(load(), key) as unknown,
      has: (_, key) => Reflect.has(load(), key),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_, key) => {
        const d = Reflect.getOwnPropertyDescriptor(load(), key);
        return d && { ...d, configurable: true };
      },
    },
  );
}

/** The `require` the bundle gets: `ids` (with or without `node:`) as stand-ins, the rest as they are. */
function deferring(nodeRequire: NodeJS.Require, ids: readonly string[]): NodeJS.Require {
  const names = new Set(ids.flatMap((m) => [m, `node:${m}`]));
  const made = new Map<string, object>();
  const deferred = (id: string): unknown => {
    const bare = id.replace(/^node:/, '');
    if (!names.has(id)) return nodeRequire(id);
    let s = made.get(bare);
    if (!s) made.set(bare, (s = standIn(id, nodeRequire)));
    return s;
  };
  return Object.assign(deferred, {
    resolve: nodeRequire.resolve,
    cache: nodeRequire.cache,
    main: nodeRequire.main,
    extensions: nodeRequire.extensions,
  }) as NodeJS.Require;
}
