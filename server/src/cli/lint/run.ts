// What `policylens lint` does before it reports: every file linted (on several threads for a large
// set, from the cache where it can), the cross-file chain analysis over the linted set, and the
// results the reporters read, holding no more findings than lint/held.ts allows.
import {
  applyRuleSettings,
  applySuppressions,
  capFindings,
  compareFindings,
  languageOf,
  LineIndex,
  positionIn,
  type Finding,
} from '../../core/index';
import { collectPolicyFiles, POLICY_TEST_FILE, readWholeText, type CollectOptions } from '../files';
import { tallyOf, type FileResult, type Tally } from '../report/types';
import { engineKey, LintCache } from './cache';
import { crossFileFindings, type ChainInput } from './crossfile';
import type { Fixable } from './fix';
import { Held } from './held';
import { lintOne, type LintedFile } from './one';
import { lintAll, threadsFor } from './pool';
import { lintTestFile, TestPolicyLoader } from './testFiles';

/**
 * Lints every file (on several threads when there are many: lint/pool.ts; a file that cannot be
 * read is reported and the run goes on), then runs the same cross-file chain analysis as the
 * editor over the linted set: a cycle across three files fails CI exactly as it is underlined in
 * the editor. A prerequisite defined outside the linted paths is reported as missing (a warning),
 * since lint only knows what it was given.
 */
export async function lintFiles(
  paths: readonly string[],
  dialect?: string,
  concurrency: number | 'auto' = 'auto',
  collect: CollectOptions = {},
  cacheFile?: string,
  version = '0',
  held = new Held(),
): Promise<{ results: (FileResult & Fixable)[]; skipped: string[] }> {
  const found = collectPolicyFiles(paths, collect);
  // Policy test files (collected with `withTests`) are checked apart, as the editor checks them
  // (lint/testFiles.ts): never as policies, never in the chain, never cached (their result depends
  // on every policy file their `policies:` names).
  const isTest = (f: (typeof found)[number]) => !!collect.withTests && POLICY_TEST_FILE.test(f.path);
  const files = collect.withTests ? found.filter((f) => !isTest(f)) : found;
  // Entries that could not be read at all (a directory that refused its listing) are not linted.
  const forcedOf = (f: (typeof files)[number]) => dialect ?? f.settings.dialect;
  // With --cache, files whose result is cached are not linted again (lint/cache.ts); their text is
  // read only if something needs it (a suppression, a finding placed for the first time).
  const cache = cacheFile ? LintCache.load(cacheFile, engineKey(version, __filename)) : undefined;
  const hits = files.map((f) =>
    cache && f.error === undefined ? cache.lookup(f.path, forcedOf(f)) : undefined,
  );
  // The cache holds its results anyway: they count against the budget first.
  for (const hit of hits) if (hit) held.charge(hit.result.findings);
  const readable = files.filter((f, i) => f.error === undefined && !hits[i]);
  const threads = threadsFor(readable.length, concurrency);
  // Workers run the CLI's bundle; from the TypeScript sources (tests) everything runs here.
  const script = __filename.endsWith('.js') ? __filename : undefined;
  // What the cache and the suppressions need of each file is taken as it comes; its findings and
  // text are held only within the budget (lint/held.ts), the rest is linted again for the report.
  const hashes: (string | undefined)[] = [];
  const marked: boolean[] = [];
  const lintedReadable = await lintAll(
    readable.map((f) => f.path),
    readable.map(forcedOf),
    threads,
    script,
    readable.map((f) => f.regular === true),
    (l, j) => {
      hashes[j] = cache?.store(readable[j].path, forcedOf(readable[j]), l);
      marked[j] = l.text.includes('policylens-disable');
      if (held.take(l.findings, l.text)) return l;
      if (!l.findings.length) return { ...l, text: '' };
      // Counted now, with its text at hand: a file without chain findings is then linted only once more.
      const rules = readable[j].settings.rules;
      const lang = languageOf(readable[j].path);
      const tally = tallyOf(
        applyRuleSettings(marked[j] ? applySuppressions(l.findings, l.text, lang) : l.findings, rules),
      );
      return { ...l, text: '', findings: [], shed: true, tally };
    },
  );
  let next = 0;
  const texts: (string | undefined)[] = [];
  const directives: boolean[] = [];
  const chain: ChainInput[] = [];
  const readText = (i: number): string => {
    try {
      return readWholeText(files[i].path);
    } catch {
      return '';
    }
  };
  // A text read again is kept while the budget allows.
  const textOf = (i: number): string => {
    const kept = texts[i];
    if (kept !== undefined) return kept;
    const text = readText(i);
    if (held.take([], text)) texts[i] = text;
    return text;
  };
  const linted: (Omit<LintedFile, 'text'> & Shed)[] = files.map((f, i) => {
    const hit = hits[i];
    if (hit) {
      texts[i] = hit.text;
      directives[i] = hit.directives;
      const r = hit.result;
      const excluded = !!(r.readError || r.skipped);
      chain.push({ path: f.path, excluded, hash: hit.hash, factsDigest: hit.factsDigest });
      return r;
    }
    if (f.error !== undefined) {
      texts[i] = '';
      directives[i] = false;
      chain.push({ path: f.path, excluded: true });
      return { dialect: 'unknown', dialectLabel: 'unknown', findings: [], readError: f.error };
    }
    const j = next++;
    // Not copied without its text (an object rest per file, 36 ms of 5,000 in profiles): the
    // array of results holds the text until the end of the run either way.
    const l = lintedReadable[j];
    // An empty text is one the budget did not hold (or an empty file, read again at no cost).
    if (l.text) texts[i] = l.text;
    directives[i] = marked[j];
    const excluded = !!(l.readError || l.skipped);
    chain.push({ path: f.path, excluded, facts: l.chain, hash: hashes[j], fastParsed: !!l.fastParsed });
    return l;
  });
  const chainOf = crossFileFindings(chain, {
    cache,
    text: textOf,
    relint: (i) => lintOne(files[i].path, forcedOf(files[i])).chain,
  });
  const skipped = files.filter((_, i) => linted[i].skipped).map((f) => f.display);
  /**
   * A file's findings as reported: its own (linted again when the budget did not hold them) and
   * the chain's, capped again together, then the inline suppressions and the config's severities
   * (lsp/documents.ts does the same), with the text when it was read again.
   */
  const findingsOf = (i: number, chainList = chainOf(i)): { findings: Finding[]; text?: string } => {
    let own = linted[i].findings;
    let text: string | undefined;
    if (linted[i].shed) {
      const again = lintOne(files[i].path, forcedOf(files[i]), files[i].regular === true);
      ({ findings: own, text } = again);
    }
    // The engine capped the file's findings (MAX_FINDINGS_PER_FILE); with the chain's, they are again.
    const all = chainList.length ? capFindings([...own, ...chainList].sort(compareFindings)) : own;
    const suppressed = directives[i]
      ? applySuppressions(all, text ?? textOf(i), languageOf(files[i].path))
      : all;
    return { findings: applyRuleSettings(suppressed, files[i].settings.rules), text };
  };
  /** Where a file's findings are placed, kept by the cache for its next run when it keeps the file. */
  const linesOf = (i: number, text?: string): Pick<LineIndex, 'positionAt'> | undefined => {
    if (!cache) return undefined;
    const kept = hits[i]?.lines;
    if (kept) return { positionAt: (o) => positionIn(kept.starts, kept.length, o) };
    const index = new LineIndex(text ?? textOf(i));
    cache.storeLines(files[i].path, { starts: [...index.lineStartOffsets()], length: index.text.length });
    return index;
  };
  const results: (FileResult & Fixable)[] = [];
  const resultOf: (FileResult & Fixable)[] = [];
  for (const [i, l] of linted.entries()) {
    if (l.skipped) continue;
    const f = files[i];
    const forced = dialect ?? f.settings.dialect;
    // Every key always present, so that the 5,000 results share one hidden class (a spread of
    // optional keys made several, and every reporter's read of them a megamorphic lookup).
    const base: Base = {
      path: f.path,
      file: f.display,
      rules: f.settings.rules,
      forced: forced || undefined,
      dialect: l.dialect,
      dialectLabel: l.dialectLabel,
      readError: l.readError || undefined,
    };
    const recomputed = (tally: Tally) =>
      new Recomputed(
        base,
        tally,
        () => findingsOf(i),
        () => readText(i),
      );
    // A file the budget did not hold, without chain findings, has the counts taken as it was linted.
    const chainList = chainOf(i);
    if (l.tally && !chainList.length) {
      results.push((resultOf[i] = recomputed(l.tally)));
      continue;
    }
    const { findings, text } = findingsOf(i, chainList);
    const lines = findings.length ? linesOf(i, text) : undefined;
    held.give(l.findings);
    if (held.take(findings)) {
      // Built on first use: a report needs the lines only of files with findings.
      results.push((resultOf[i] = new HeldResult(base, findings, lines ?? new LazyLines(() => textOf(i)))));
    } else {
      // Not held: what it had is let go, and it is linted again at each read.
      linted[i] = { ...l, findings: [], ...(l.findings.length ? { shed: true } : {}) };
      results.push((resultOf[i] = recomputed(tallyOf(findings))));
    }
  }
  cache?.save();
  if (files === found) return { results, skipped };
  // The test files take their places in the walk's order among the policies.
  const loader = new TestPolicyLoader();
  const ordered: (FileResult & Fixable)[] = [];
  let k = 0;
  for (const f of found) {
    if (isTest(f)) {
      ordered.push(lintTestFile(f, loader));
      continue;
    }
    const r = resultOf[k++];
    if (r) ordered.push(r);
  }
  return { results: ordered, skipped };
}

/** The results with their errors only (`--quiet`). */
export function errorsOnly(results: readonly (FileResult & Fixable)[]): (FileResult & Fixable)[] {
  return results.map((r) =>
    r instanceof Recomputed
      ? r.withErrorsOnly()
      : new HeldResult(
          r,
          r.findings.filter((f) => f.severity === 'error'),
          r.lines,
        ),
  );
}

/**
 * The results with the findings of some files (by path) changed as they are read: the finding on a
 * held `id` (lint/heldIds.ts). What they count is unchanged.
 */
export function withChangedFindings(
  results: readonly (FileResult & Fixable)[],
  change: ReadonlyMap<string, (findings: Finding[]) => Finding[]>,
): (FileResult & Fixable)[] {
  return results.map((r) => {
    const fn = change.get(r.path);
    if (!fn) return r;
    return r instanceof Recomputed ? r.changed(fn) : new HeldResult(r, fn(r.findings), r.lines);
  });
}

/** What a result says of its file besides its findings. */
type Base = Omit<FileResult & Fixable, 'findings' | 'lines' | 'tally'>;

/** What both kinds of result say of their file besides its findings, as fields of their own. */
abstract class ResultFields {
  readonly path: string;
  readonly file: string;
  readonly rules: Fixable['rules'];
  readonly forced?: string;
  readonly dialect: string;
  readonly dialectLabel: string;
  readonly readError?: string;

  constructor(base: Base) {
    this.path = base.path;
    this.file = base.file;
    this.rules = base.rules;
    this.forced = base.forced;
    this.dialect = base.dialect;
    this.dialectLabel = base.dialectLabel;
    this.readError = base.readError;
  }
}

/** The result of a file whose findings lint holds: one class, so one hidden class for all of them. */
class HeldResult extends ResultFields implements FileResult, Fixable {
  readonly tally?: Tally = undefined;

  constructor(
    base: Base,
    readonly findings: Finding[],
    readonly lines: Pick<LineIndex, 'positionAt'>,
  ) {
    super(base);
  }
}

/**
 * A file whose findings the budget did not hold (lint/held.ts): linted again when they are read,
 * with the counts taken as it was first linted (before its chain findings were known).
 */
type Shed = { shed?: boolean; tally?: Tally };

/**
 * A file's line index, built on its first use. A getter in each result's object literal gave every
 * result a hidden class of its own, and the reporters' reads of 5,000 results all missed V8's caches.
 */
class LazyLines implements Pick<LineIndex, 'positionAt'> {
  private index: LineIndex | undefined;
  constructor(private readonly textOf: () => string) {}
  positionAt(offset: number): ReturnType<LineIndex['positionAt']> {
    return (this.index ??= new LineIndex(this.textOf())).positionAt(offset);
  }
}

/**
 * The last file a `Recomputed` read, with its text (its lines built on first use): a report reads a
 * file's findings, then places them.
 */
let lastRead: { owner: Recomputed; text: string; lines?: LineIndex } | undefined;

/**
 * The result of a file whose findings the budget did not hold: each read of `findings` lints it
 * again (a report reads them once, SARIF twice), and its lines are those of the last file read.
 * What it counts is known from the first time (`tally`), so the counts cost nothing more.
 */
class Recomputed extends ResultFields implements FileResult, Fixable {
  readonly lines: Pick<LineIndex, 'positionAt'>;

  constructor(
    base: Base,
    readonly tally: Tally,
    private readonly compute: () => { findings: Finding[]; text?: string },
    private readonly read: () => string,
    private readonly errorsOnly = false,
  ) {
    super(base);
    this.lines = { positionAt: (o) => this.linesNow().positionAt(o) };
  }

  get findings(): Finding[] {
    const { findings, text } = this.compute();
    lastRead = { owner: this, text: text ?? this.read() };
    return this.errorsOnly ? findings.filter((f) => f.severity === 'error') : findings;
  }

  /** The same file with its errors only (`--quiet`). */
  withErrorsOnly(): Recomputed {
    return new Recomputed(this, { error: this.tally.error, warning: 0 }, this.compute, this.read, true);
  }

  /** The same file, its findings changed by `fn` at each read. */
  changed(fn: (findings: Finding[]) => Finding[]): Recomputed {
    const compute = () => {
      const r = this.compute();
      return { ...r, findings: fn(r.findings) };
    };
    return new Recomputed(this, this.tally, compute, this.read, this.errorsOnly);
  }

  private linesNow(): LineIndex {
    if (lastRead?.owner !== this) lastRead = { owner: this, text: this.read() };
    return (lastRead.lines ??= new LineIndex(lastRead.text));
  }
}
