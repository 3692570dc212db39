import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
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
 * entries, the chain findings and the facts. A run appends what it changed as one more line (a
 * run with one file changed writes a few hundred bytes, not the whole file); the file is written
 * whole again once the appended lines grow large (docs/decisions/lint-cache.md).
 */
const FORMAT = 2;

/** The cached part of a file's result: `LintedFile` without its text and chain facts. */
export type CachedResult = Omit<LintedFile, 'text' | 'chain' | 'fastParsed'>;

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

/** The lines of a file's bytes: the first three and the appended ones as text, the facts as bytes. */
function lines(bytes: Buffer): [string, string, string, Buffer | undefined, ...string[]] {
  const cut: Buffer[] = [];
  for (let start = 0; start <= bytes.length;) {
    const end = bytes.indexOf(10, start);
    cut.push(bytes.subarray(start, end < 0 ? bytes.length : end));
    start = end < 0 ? bytes.length + 1 : end + 1;
  }
  const text = (b: Buffer | undefined) => (b ? b.toString('utf8') : '');
  return [text(cut[0]), text(cut[1]), text(cut[2]), cut[3], ...cut.slice(4).map(text)];
}

const empty = <T>() => Object.create(null) as Record<string, T>;

/** How many findings an entry keeps. */
const findingsOf = (e: Entry | undefined): number => (e && typeof e.r !== 'string' ? e.r.findings.length : 0);

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

/** A line appended after the four: changed entries, the chain findings, or changed facts. */
interface JournalLine {
  e?: Record<string, Entry>;
  c?: ChainEntry | null;
  f?: Facts;
}

/** Appended lines up to this size before the whole file is written again. */
const MAX_JOURNAL = 256 * 1024;

/**
 * Findings the entries keep at most, as many as a run holds (lint/held.ts). A file whose result
 * would take the cache past it is not cached: it is linted again on the next run. 1,000 files of
 * 500 unknown keys each ran out of a 256 MB heap with the cache holding every result.
 */
export const MAX_CACHED_FINDINGS = 100_000;

export class LintCache {
  /** The paths whose entries changed in this run. */
  private readonly changed = new Set<string>();
  private chainChanged = false;
  private readonly factsChanged: Facts = empty<Facts[string]>();
  private chainValue: ChainEntry | null | undefined;
  /** Whether the file's last line has no newline (a run stopped while appending). */
  private cutShort = false;
  private facts: Facts | undefined;
  /** The findings the entries keep, counted at the first store. */
  private findingsKept: number | undefined;
  /** At most this many (tests lower it). */
  maxFindings = MAX_CACHED_FINDINGS;

  private constructor(
    private readonly file: string,
    private readonly header: Header,
    private readonly entries: Record<string, Record<string, Entry>>,
    /** The chain and facts as read (the facts' lines parsed on first use). */
    private chainText = 'null',
    private readonly factsTexts: (string | Buffer)[] = [],
    /** Bytes appended since the file was last written whole; undefined: write it whole. */
    private journal: number | undefined = undefined,
  ) {}

  /**
   * Reads the cache file; a missing, damaged or other-engine cache is an empty one. A damaged
   * appended line (two runs appending at once, a disk full) is skipped: every entry is checked
   * against its file anyway, so a lost line only costs a file linted again.
   */
  static load(file: string, key: string): LintCache {
    try {
      // Read as bytes and cut into lines: the facts line (over half of the file) is decoded only
      // when the chain must run again.
      const [head, entries, chain, facts, ...journal] = lines(readFileSync(file));
      const h = JSON.parse(head) as Partial<Header>;
      if (h.format === FORMAT && h.key === key && h.labels && facts !== undefined) {
        const parsed = JSON.parse(entries) as Record<string, Record<string, Entry>>;
        if (parsed && typeof parsed === 'object') {
          const all = Object.assign(empty<Record<string, Entry>>(), parsed);
          const factsTexts: (string | Buffer)[] = [facts];
          let chainText = chain;
          for (const line of journal) {
            let j: JournalLine;
            try {
              j = JSON.parse(line) as JournalLine;
            } catch {
              continue;
            }
            for (const [path, e] of Object.entries(j.e ?? {})) {
              const [dir, name] = split(path);
              (all[dir] ??= empty<Entry>())[name] = e;
            }
            if (j.c !== undefined) chainText = JSON.stringify(j.c);
            if (j.f) factsTexts.push(JSON.stringify(j.f));
          }
          const size = journal.reduce((n, l) => n + l.length + 1, 0);
          const cache = new LintCache(
            file,
            { format: FORMAT, key, labels: h.labels },
            all,
            chainText,
            factsTexts,
            size,
          );
          // A last line cut short (no newline) is ended before the next one is appended.
          cache.cutShort = !!journal.at(-1);
          return cache;
        }
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
      this.changed.add(path);
    }
    const r = e.r;
    // A plain literal, no spreads: this runs for every file of a warm run, before the JIT warms up.
    return {
      result:
        typeof r === 'string' ? { dialect: r, dialectLabel: this.header.labels[r] ?? r, findings: [] } : r,
      hash: e.h,
      directives: e.d === 1,
      factsDigest: e.x,
      lines: e.l && { starts: e.l[0], length: e.l[1] },
      text,
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
    // Whether the fast parse took it only serves this run's chain findings, kept as findings.
    const { text, chain, fastParsed: _fast, ...result } = linted;
    const x = chain && factsDigest(chain);
    if (chain && this.entry(path)?.x !== x) {
      const { uri: _uri, ...facts } = chain;
      this.factsChanged[path] = facts;
      if (this.facts) this.facts[path] = facts;
    }
    const before = this.entry(path);
    const kept = this.keptFindings() - findingsOf(before) + result.findings.length;
    if (result.findings.length && kept > this.maxFindings) return undefined;
    this.findingsKept = kept;
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
    this.changed.add(path);
    return hash;
  }

  private keptFindings(): number {
    if (this.findingsKept === undefined) {
      let n = 0;
      for (const dir of Object.values(this.entries)) for (const e of Object.values(dir)) n += findingsOf(e);
      this.findingsKept = n;
    }
    return this.findingsKept;
  }

  /** A policy without findings is recorded as its dialect's id (most files of a repository). */
  private compact(result: CachedResult): CachedResult | string {
    const { dialect, dialectLabel, findings, ...rest } = result;
    if (findings.length || Object.keys(rest).length) return result;
    const labels = this.header.labels;
    if (labels[dialect] === undefined) {
      labels[dialect] = dialectLabel;
      // The header changed: the file is written whole.
      this.journal = undefined;
    }
    return labels[dialect] === dialectLabel ? dialect : result;
  }

  /** Keeps a file's line starts, so its findings are placed without reading it next time. */
  storeLines(path: string, lines: StoredLines): void {
    const e = this.entry(path);
    if (!e || e.l) return;
    e.l = [lines.starts, lines.length];
    this.changed.add(path);
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
    this.chainChanged = true;
  }

  private allFacts(): Facts {
    if (!this.facts) {
      this.facts = empty<Facts[string]>();
      for (const text of this.factsTexts)
        try {
          Object.assign(this.facts, JSON.parse(text.toString()) as Facts);
        } catch {
          // A damaged line: the facts it held are found missing, and their files linted again.
        }
      Object.assign(this.facts, this.factsChanged);
    }
    return this.facts;
  }

  /**
   * Appends what changed as one line, or writes the whole file (atomically) when it is new, its
   * header changed or the appended lines have grown past MAX_JOURNAL.
   */
  save(): void {
    const facts = Object.keys(this.factsChanged).length ? this.factsChanged : undefined;
    if (!this.changed.size && !this.chainChanged && !facts && this.journal !== undefined) return;
    const line: JournalLine = {};
    if (this.changed.size)
      line.e = Object.fromEntries([...this.changed].map((p) => [p, this.entry(p) as Entry]));
    if (this.chainChanged) line.c = this.chainValue ?? null;
    if (facts) line.f = facts;
    const text = JSON.stringify(line);
    if (this.journal !== undefined && this.journal + text.length < MAX_JOURNAL) {
      try {
        appendFileSync(this.file, `${this.cutShort ? '\n' : ''}${text}\n`);
        return;
      } catch {
        // Written whole below.
      }
    }
    mkdirSync(dirname(this.file), { recursive: true });
    const all = JSON.stringify(this.allFacts());
    writeAtomically(
      this.file,
      `${JSON.stringify(this.header)}\n${JSON.stringify(this.entries)}\n${this.chainText}\n${all}\n`,
    );
  }
}

const recent = (mtimeMs: number) => Date.now() - mtimeMs < 3000;
