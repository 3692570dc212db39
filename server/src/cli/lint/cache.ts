import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ChainFacts, Finding } from '../../core/index';
import { writeAtomically } from './fix';
import type { LintedFile } from './one';

/**
 * `lint --cache`: each file's engine result, keyed by its content hash, as eslint's and ruff's
 * caches. What is cached is `lintOne`'s result (parse, schema, dialect rules), which depends only
 * on the bytes, the forced dialect and the engine; suppressions and the config's severities are
 * applied after it on every run, so a config change never serves a stale result. The whole cache
 * is dropped when the engine changes (the key hashes the CLI's own bundle, which embeds the
 * schemas and their precompiled validators).
 *
 * A file whose size and modification time are those recorded is taken without being read; one
 * that was touched is read and hashed, and still hits when its content is the same. A file with
 * findings keeps its line starts, so a report places them without reading it.
 *
 * The cross-file (chain) findings are kept too, under a hash of every linted file's chain facts
 * (lint/crossfile.ts says when they are still valid). The facts themselves are needed only when the
 * chain must run again, so the file is four lines, each parsed only when needed: the header, the
 * entries, the chain findings and the facts (docs/decisions/lint-cache.md).
 */
const FORMAT = 2;

/** The cached part of a file's result: `LintedFile` without its text and chain facts. */
export type CachedResult = Omit<LintedFile, 'text' | 'chain'>;

/** Where a file's lines start and its length: enough to place findings without the text. */
export interface StoredLines {
  starts: number[];
  length: number;
}

interface Entry {
  /** Size and modification time (-1: a time too recent to trust). */
  s: number;
  m: number;
  /** Content hash. */
  h: string;
  /** The dialect the file was forced to, if any: another one is another result. */
  f?: string;
  /** 1 when the text contains a `policylens-disable` directive (suppressions need the text). */
  d?: 1;
  /** The result, or only its dialect's id for a policy without findings (the label is the header's). */
  r: CachedResult | string;
  /** The digest of the file's chain facts, when it has some (an Execlave bundle). */
  x?: string;
  /** Line starts and length, once the file had findings to place. */
  l?: [number[], number];
}

/** The chain findings of a run, and what they were computed from. */
export interface ChainEntry {
  /** The hash of every linted file's path and chain facts digest, in order. */
  key: string;
  /** The content hash of every file the findings are placed in or link to. */
  texts: Record<string, string>;
  /** The findings per file (files without any are left out). */
  findings: Record<string, Finding[]>;
}

type Facts = Record<string, Omit<ChainFacts, 'uri'>>;

export interface CacheHit {
  result: CachedResult;
  hash: string;
  directives: boolean;
  factsDigest?: string;
  lines?: StoredLines;
  /** The text, when the file had to be read to check its hash. */
  text?: string;
}

/** A content hash: 96 bits of SHA-1, enough to tell two versions of a file apart. */
export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('base64url').slice(0, 16);
}

/** A digest of chain facts (the uri left out: it is the entry's path). */
export function factsDigest(facts: ChainFacts): string {
  const { uri: _uri, ...rest } = facts;
  return contentHash(JSON.stringify(rest));
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

const empty = <T>() => Object.create(null) as Record<string, T>;

/** The directory part and the name of a path (entries are grouped by directory). */
function split(path: string): [string, string] {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return [path.slice(0, cut), path.slice(cut + 1)];
}

interface Header {
  format: number;
  key: string;
  /** The label of each dialect id that an entry's `r` names alone. */
  labels: Record<string, string>;
}

export class LintCache {
  private dirty = false;
  private chainValue: ChainEntry | null | undefined;
  private facts: Facts | undefined;

  private constructor(
    private readonly file: string,
    private readonly header: Header,
    private readonly entries: Record<string, Record<string, Entry>>,
    /** The chain and facts lines as read, parsed on first use. */
    private chainText = 'null',
    private factsText = '{}',
  ) {}

  /** Reads the cache file; a missing, damaged or other-engine cache is an empty one. */
  static load(file: string, key: string): LintCache {
    try {
      const [head, entries, chain, facts] = readFileSync(file, 'utf8').split('\n');
      const h = JSON.parse(head) as Partial<Header>;
      if (h.format === FORMAT && h.key === key && h.labels && facts !== undefined) {
        const parsed = JSON.parse(entries) as Record<string, Record<string, Entry>>;
        if (parsed && typeof parsed === 'object')
          return new LintCache(
            file,
            { format: FORMAT, key, labels: h.labels },
            Object.assign(empty<Record<string, Entry>>(), parsed),
            chain,
            facts,
          );
      }
    } catch {
      // No cache yet, or one that cannot be read: start afresh.
    }
    return new LintCache(file, { format: FORMAT, key, labels: {} }, empty<Record<string, Entry>>());
  }

  private entry(path: string): Entry | undefined {
    const [dir, name] = split(path);
    const inDir = this.entries[dir];
    return inDir && Object.hasOwn(inDir, name) ? inDir[name] : undefined;
  }

  /** The cached result of a file, if it is still valid. */
  lookup(path: string, forced: string | undefined): CacheHit | undefined {
    const e = this.entry(path);
    if (!e || e.f !== forced) return undefined;
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st || st.size !== e.s) return undefined;
    let text: string | undefined;
    if (st.mtimeMs !== e.m) {
      // Touched but maybe not changed: the content decides.
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
      if (contentHash(text) !== e.h) return undefined;
      e.m = recent(st.mtimeMs) ? -1 : st.mtimeMs;
      this.dirty = true;
    }
    const r = e.r;
    return {
      result:
        typeof r === 'string' ? { dialect: r, dialectLabel: this.header.labels[r] ?? r, findings: [] } : r,
      hash: e.h,
      directives: e.d === 1,
      ...(e.x ? { factsDigest: e.x } : {}),
      ...(e.l ? { lines: { starts: e.l[0], length: e.l[1] } } : {}),
      ...(text !== undefined ? { text } : {}),
    };
  }

  /**
   * Records a fresh result (files that could not be read are not cached) and returns its content
   * hash, or undefined when the file is not cached.
   */
  store(path: string, forced: string | undefined, linted: LintedFile): string | undefined {
    // Replaced invalid bytes would hash the same whatever they were: such a file is read every time.
    if (linted.readError || linted.findings.some((f) => f.code === 'parse/encoding')) return undefined;
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) return undefined;
    const { text, chain, ...result } = linted;
    const x = chain && factsDigest(chain);
    if (chain && this.entry(path)?.x !== x) {
      const { uri: _uri, ...facts } = chain;
      this.allFacts()[path] = facts;
    }
    const hash = contentHash(text);
    const [dir, name] = split(path);
    (this.entries[dir] ??= empty<Entry>())[name] = {
      s: st.size,
      // A file written in the last seconds may change again within the same timestamp (git's "racy"
      // files): its time is not trusted, so the next run checks its content.
      m: recent(st.mtimeMs) ? -1 : st.mtimeMs,
      h: hash,
      ...(forced !== undefined ? { f: forced } : {}),
      ...(text.includes('policylens-disable') ? { d: 1 as const } : {}),
      r: this.compact(result),
      ...(x ? { x } : {}),
    };
    this.dirty = true;
    return hash;
  }

  /** A policy without findings is recorded as its dialect's id (most files of a repository). */
  private compact(result: CachedResult): CachedResult | string {
    const { dialect, dialectLabel, findings, ...rest } = result;
    if (findings.length || Object.keys(rest).length) return result;
    const labels = this.header.labels;
    if ((labels[dialect] ??= dialectLabel) !== dialectLabel) return result;
    return dialect;
  }

  /** Keeps a file's line starts, so its findings are placed without reading it next time. */
  storeLines(path: string, lines: StoredLines): void {
    const e = this.entry(path);
    if (!e || e.l) return;
    e.l = [lines.starts, lines.length];
    this.dirty = true;
  }

  /** The chain facts recorded for a file, if they are those of the digest given. */
  factsOf(path: string, digest: string): ChainFacts | undefined {
    const f = this.allFacts()[path];
    if (!f) return undefined;
    const facts = { uri: path, ...f };
    return factsDigest(facts) === digest ? facts : undefined;
  }

  get chain(): ChainEntry | undefined {
    if (this.chainValue === undefined) {
      try {
        this.chainValue = JSON.parse(this.chainText) as ChainEntry | null;
      } catch {
        this.chainValue = null;
      }
    }
    return this.chainValue ?? undefined;
  }

  set chain(entry: ChainEntry | undefined) {
    this.chainValue = entry ?? null;
    this.chainText = JSON.stringify(this.chainValue);
    this.dirty = true;
  }

  private allFacts(): Facts {
    if (!this.facts) {
      try {
        this.facts = Object.assign(empty<Facts[string]>(), JSON.parse(this.factsText) as Facts);
      } catch {
        this.facts = empty<Facts[string]>();
      }
    }
    return this.facts;
  }

  save(): void {
    if (!this.dirty) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const facts = this.facts ? JSON.stringify(this.facts) : this.factsText;
    writeAtomically(
      this.file,
      `${JSON.stringify(this.header)}\n${JSON.stringify(this.entries)}\n${this.chainText}\n${facts}\n`,
    );
  }
}

const recent = (mtimeMs: number) => Date.now() - mtimeMs < 3000;
