/**
 * Loads dist/policylens.js.br: the one bundle of the extension and the language server, packed
 * with brotli (esbuild.mjs). The .vsix ships it instead of two minified bundles: the LSP libraries
 * both sides use are in it once, and brotli packs it to about 80 % of what the .vsix's deflate
 * does (docs/decisions/marketplace.md). Two small loaders run it: dist/extension.js (the
 * extension's `main`) and dist/server.js (the language server, and its replay worker threads).
 * Inflating takes about 10 ms, once: the text is then kept in the code cache's directory; the code
 * compiles through V8's code cache (codeCache.ts). This file imports nothing but Node.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { compileBundle, inflateCached } from './codeCache';

/** The bundle's name in dist/: the packed file is this plus `.br`, its source map this plus `.map`. */
export const BUNDLE = 'policylens.js';

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
 * on "this file" starts the loader again.
 */
export function loadBundle<T>(loaderFile: string, use: string): Loaded<T> {
  const dir = dirname(loaderFile);
  const t0 = performance.now();
  const packed = readFileSync(join(dir, `${BUNDLE}.br`));
  const t1 = performance.now();
  const { text: source, cached } = inflateCached(packed, (p) => brotliDecompressSync(p));
  const t2 = performance.now();
  const compiled = compileBundle({
    source,
    filename: join(dir, BUNDLE),
    identity: packed,
    use,
    saveAfterMs: 3_000,
  });
  const t3 = performance.now();
  const mod = { exports: {} as T };
  compiled.wrapper.call(mod.exports, mod.exports, createRequire(loaderFile), mod, loaderFile, dir);
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
