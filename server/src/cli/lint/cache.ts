import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeAtomically } from './fix';
import type { LintedFile } from './one';

/**
 * `lint --cache`: each file's engine result, keyed by its content hash, as eslint's and ruff's
 * caches. What is cached is `lintOne`'s result (parse, schema, dialect rules), which depends only
 * on the bytes, the forced dialect and the engine; the chain analysis, suppressions and the
 * config's severities are applied after it on every run, so a config change never serves a stale
 * result. The whole cache is dropped when the engine changes (the key hashes the CLI's own bundle,
 * which embeds the schemas and their precompiled validators).
 *
 * A file whose size and modification time are those recorded is taken without being read (the
 * text is read later only if a report needs its lines); one that was touched is read and hashed,
 * and still hits when its content is the same.
 */
const FORMAT = 1;

/** The cached part of a file's result: `LintedFile` without its text. */
type CachedResult = Omit<LintedFile, 'text'>;

interface Entry {
  size: number;
  mtimeMs: number;
  hash: string;
  /** The dialect the file was forced to, if any: another one is another result. */
  forced?: string;
  /** Whether the text contains a `policylens-disable` directive (suppressions need the text). */
  directives: boolean;
  result: CachedResult;
}

interface CacheFile {
  format: number;
  key: string;
  entries: Record<string, Entry>;
}

export interface CacheHit {
  result: CachedResult;
  directives: boolean;
  /** The text, when the file had to be read to check its hash. */
  text?: string;
}

export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('base64url');
}

/**
 * The engine's identity: the version and a hash of the running bundle (or source file). The bytes
 * are hashed as they are read: decoding 1.6 MB to a string first took three times as long.
 */
export function engineKey(version: string, script: string): string {
  let digest: string;
  try {
    digest = createHash('sha1').update(readFileSync(script)).digest('base64url');
  } catch {
    digest = contentHash(script);
  }
  return `${version}:${digest}`;
}

export class LintCache {
  private readonly entries: Record<string, Entry>;
  private dirty = false;

  private constructor(
    private readonly file: string,
    private readonly key: string,
    entries: Record<string, Entry>,
  ) {
    this.entries = entries;
  }

  /** Reads the cache file; a missing, damaged or other-engine cache is an empty one. */
  static load(file: string, key: string): LintCache {
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
      if (data.format === FORMAT && data.key === key && data.entries && typeof data.entries === 'object')
        return new LintCache(file, key, data.entries);
    } catch {
      // No cache yet, or one that cannot be read: start afresh.
    }
    return new LintCache(file, key, Object.create(null) as Record<string, Entry>);
  }

  /** The cached result of a file, if it is still valid. */
  lookup(path: string, forced: string | undefined): CacheHit | undefined {
    const e = this.entries[path];
    if (!e || e.forced !== forced) return undefined;
    let st;
    try {
      st = statSync(path);
    } catch {
      return undefined;
    }
    if (st.size === e.size && st.mtimeMs === e.mtimeMs) return { result: e.result, directives: e.directives };
    if (st.size !== e.size) return undefined;
    // Touched but maybe not changed: the content decides.
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
    if (contentHash(text) !== e.hash) return undefined;
    e.mtimeMs = st.mtimeMs;
    this.dirty = true;
    return { result: e.result, directives: e.directives, text };
  }

  /** Records a fresh result (files that could not be read are not cached). */
  store(path: string, forced: string | undefined, linted: LintedFile): void {
    // Replaced invalid bytes would hash the same whatever they were: such a file is read every time.
    if (linted.readError || linted.findings.some((f) => f.code === 'parse/encoding')) return;
    let st;
    try {
      st = statSync(path);
    } catch {
      return;
    }
    const { text, ...result } = linted;
    this.entries[path] = {
      size: st.size,
      // A file written in the last seconds may change again within the same timestamp (git's "racy"
      // files): its time is not trusted, so the next run checks its content.
      mtimeMs: Date.now() - st.mtimeMs < 3000 ? -1 : st.mtimeMs,
      hash: contentHash(text),
      ...(forced !== undefined ? { forced } : {}),
      directives: text.includes('policylens-disable'),
      result,
    };
    this.dirty = true;
  }

  save(): void {
    if (!this.dirty) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const data: CacheFile = { format: FORMAT, key: this.key, entries: this.entries };
    writeAtomically(this.file, JSON.stringify(data));
  }
}
