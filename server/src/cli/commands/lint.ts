import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import {
  applyRuleSettings,
  applySuppressions,
  languageOf,
  capFindings,
  compareFindings,
  didYouMean,
  DIALECTS,
  getDialect,
  LineIndex,
  positionIn,
  type Finding,
} from '../../core/index';
import { collectPolicyFiles, readWholeText, reason, UsageError, type CollectOptions } from '../files';
import { engineKey, LintCache } from '../lint/cache';
import { crossFileFindings, type ChainInput } from '../lint/crossfile';
import { lintOne, type LintedFile } from '../lint/one';
import { fixDiff, fixSummary, planFixes, writeAtomically } from '../lint/fix';
import { lintAll, threadsFor } from '../lint/pool';
import { Held } from '../lint/held';
import { formatGithubChunks } from '../report/github';
import { formatGitlabChunks } from '../report/gitlab';
import { formatJsonChunks } from '../report/json';
import { formatSarifChunks } from '../report/sarif';
import { formatTextChunks } from '../report/text';
import { countBy, tallyOf, type FileResult, type Tally } from '../report/types';
import { painter, type Paint } from '../report/color';
import type { Fixable } from '../lint/fix';
import { checkChoice } from '../usage';
import type { Command } from './types';

/** lint's report formats (`--format`). */
export const FORMATS = ['text', 'json', 'sarif', 'github', 'gitlab'] as const;
type Format = (typeof FORMATS)[number];

/** Where `--cache` keeps its file, from the current directory (add it to .gitignore). */
export const DEFAULT_CACHE_DIR = '.policylens-cache';

export const HELP = `Usage: policylens lint <path>... [--format text|json|sarif|github|gitlab] [-o FILE] [--quiet] [--max-warnings N]
                      [--dialect ID] [--concurrency N|auto|off] [--config FILE] [--no-ignore]
                      [--fix | --fix-dry-run] [--cache] [--cache-location FILE] [--color | --no-color]
                      [--verbose] [--pass-on-no-policy]

Validates every policy file (.json, .yaml, .yml) under the given paths. Large sets are linted on
several threads on machines with 4 or more cores (--concurrency auto, the default); a number sets
the threads, off keeps to one.
The nearest policylens.config.yaml above each path (or --config FILE) sets include/exclude globs,
dialects and rule severities (docs/configuration.md); .gitignore is honoured unless --no-ignore.
Each problem is a line \`path:line:col: severity: message [code]\` (the path from the current
directory, so terminals and editors open it). --quiet reports errors only (no \`✓\` line, no
warning) in every format; -o FILE writes the report to FILE (atomically) instead of standard
output; --max-warnings N fails the run when there are more than N warnings (counted before
--quiet hides them). Colour follows --color / --no-color, else FORCE_COLOR and NO_COLOR, else
whether the output is a terminal. For CI (docs/ci.md): --format github prints workflow-command
annotations for GitHub Actions, sarif a SARIF 2.1.0 log for code scanning, gitlab a Code Quality
report for GitLab merge requests.
--fix applies the safe fixes (those that keep a policy's meaning, the editor's "fix all" limited
to them), writing each file atomically, then reports what is left; --fix-dry-run prints them as a
unified diff instead and exits 1 when there is something to fix, 0 when not.
--cache keeps each file's result by content hash in .policylens-cache/lint.json (or --cache-location)
and lints only what changed; a new engine version empties it.
A file is linted when it is a policy: its keys are those of an Execlave bundle, a Preloop document
or an Agent Sentinel policy, its \`$schema\` is one of ours, or it starts with a
\`# policylens: dialect=<id>\` comment. Any other YAML/JSON file (package.json, a workflow, a
Kubernetes manifest) is skipped; --verbose lists them. --dialect reads every file as that dialect.
Exit status: 0 when every file is valid, 1 when any has an error, when there are more warnings
than --max-warnings, or when a file or folder under a path cannot be read; 2 on a usage or config
error, a path argument that cannot be read (named pipes and devices are not read), an output file
that cannot be written, or when no policy file was found (--pass-on-no-policy: 0, for hooks that
pass every staged file).`;

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
  const files = collectPolicyFiles(paths, collect);
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
  const owned: Tally[] = [];
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
      owned[j] = tallyOf(
        applyRuleSettings(marked[j] ? applySuppressions(l.findings, l.text, lang) : l.findings, rules),
      );
      return { ...l, text: '', findings: [], shed: true };
    },
  );
  let next = 0;
  /** The counts of the files the budget did not hold, taken as they were linted. */
  const tallies: Tally[] = [];
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
  const linted: Omit<LintedFile, 'text'>[] = files.map((f, i) => {
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
    const { text, ...l } = lintedReadable[j];
    if (owned[j]) tallies[i] = owned[j];
    // An empty text is one the budget did not hold (or an empty file, read again at no cost).
    if (text) texts[i] = text;
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
    if ((linted[i] as Shed).shed) {
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
  for (const [i, l] of linted.entries()) {
    if (l.skipped) continue;
    const f = files[i];
    const forced = dialect ?? f.settings.dialect;
    const base = {
      path: f.path,
      file: f.display,
      rules: f.settings.rules,
      ...(forced ? { forced } : {}),
      dialect: l.dialect,
      dialectLabel: l.dialectLabel,
      ...(l.readError ? { readError: l.readError } : {}),
    };
    // A file the budget did not hold, without chain findings, has the counts taken as it was linted.
    const chainList = chainOf(i);
    if (tallies[i] && !chainList.length) {
      results.push(
        new Recomputed(
          base,
          tallies[i],
          () => findingsOf(i),
          () => readText(i),
        ),
      );
      continue;
    }
    const { findings, text } = findingsOf(i, chainList);
    const lines = findings.length ? linesOf(i, text) : undefined;
    held.give(l.findings);
    if (held.take(findings)) {
      // Built on first use: a report needs the lines only of files with findings.
      results.push({ ...base, findings, lines: lines ?? new LazyLines(() => textOf(i)) });
    } else {
      // Not held: what it had is let go, and it is linted again at each read.
      linted[i] = { ...l, findings: [], ...(l.findings.length ? { shed: true } : {}) };
      results.push(
        new Recomputed(
          base,
          tallyOf(findings),
          () => findingsOf(i),
          () => readText(i),
        ),
      );
    }
  }
  cache?.save();
  return { results, skipped };
}

/** The results with their errors only (`--quiet`). */
export function errorsOnly(results: readonly (FileResult & Fixable)[]): (FileResult & Fixable)[] {
  return results.map((r) =>
    r instanceof Recomputed
      ? r.withErrorsOnly()
      : { ...r, findings: r.findings.filter((f) => f.severity === 'error') },
  );
}

/** A file whose findings the budget did not hold in the first pass (lint/held.ts). */
type Shed = { shed?: boolean };

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

/** The last file a `Recomputed` read, with its lines: a report reads a file's findings, then places them. */
let lastRead: { owner: Recomputed; lines: LineIndex } | undefined;

/**
 * The result of a file whose findings the budget did not hold: each read of `findings` lints it
 * again (a report reads them once, SARIF twice), and its lines are those of the last file read.
 * What it counts is known from the first time (`tally`), so the counts cost nothing more.
 */
class Recomputed implements FileResult, Fixable {
  readonly path: string;
  readonly file: string;
  readonly rules: Fixable['rules'];
  readonly forced?: string;
  readonly dialect: string;
  readonly dialectLabel: string;
  readonly readError?: string;
  readonly lines: Pick<LineIndex, 'positionAt'>;

  constructor(
    base: Omit<FileResult & Fixable, 'findings' | 'lines' | 'tally'>,
    readonly tally: Tally,
    private readonly compute: () => { findings: Finding[]; text?: string },
    private readonly read: () => string,
    private readonly errorsOnly = false,
  ) {
    ({
      path: this.path,
      file: this.file,
      rules: this.rules,
      forced: this.forced,
      dialect: this.dialect,
      dialectLabel: this.dialectLabel,
      readError: this.readError,
    } = base);
    this.lines = { positionAt: (o) => this.linesNow().positionAt(o) };
  }

  get findings(): Finding[] {
    const { findings, text } = this.compute();
    lastRead = { owner: this, lines: new LineIndex(text ?? this.read()) };
    return this.errorsOnly ? findings.filter((f) => f.severity === 'error') : findings;
  }

  /** The same file with its errors only (`--quiet`). */
  withErrorsOnly(): Recomputed {
    return new Recomputed(this, { error: this.tally.error, warning: 0 }, this.compute, this.read, true);
  }

  private linesNow(): LineIndex {
    if (lastRead?.owner !== this) lastRead = { owner: this, lines: new LineIndex(this.read()) };
    return lastRead.lines;
  }
}

/** A `--dialect` value must name a dialect: a typo is a usage error, never a silent fallback. */
export function checkDialect(id: string | undefined): string | undefined {
  if (id === undefined || getDialect(id)) return id;
  const ids = DIALECTS.map((d) => d.id);
  throw new UsageError(`unknown dialect "${id}"${didYouMean(id, ids)} (one of ${ids.join(', ')})`);
}

const yamlFiles = (n: number) => `${n} YAML/JSON ${n === 1 ? 'file' : 'files'}`;

/** `--max-warnings N`: a count (eslint's -1, no limit, is also taken). */
function parseMaxWarnings(value: string | undefined): number | undefined {
  if (value === undefined || value === '-1') return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new UsageError(`--max-warnings wants a number of warnings (0 or more), not "${value}"`);
  return n;
}

/** A path from the current directory with \`/\`, as terminals, SARIF and GitHub want it. */
export function fromCwd(path: string): string {
  return relative(process.cwd(), path).split(sep).join('/');
}

/**
 * The report in one of lint's formats (for standard output or --output), in chunks of about one
 * file each: thousands of files with hundreds of findings each make a report longer than V8 lets
 * one string be, so it is written as it is made, never joined.
 */
export function formatReport(
  format: Format,
  results: (FileResult & Fixable)[],
  o: { version: string; paint: Paint; quiet: boolean },
): Iterable<string> {
  const pathOf = (r: FileResult & Fixable) => fromCwd(r.path);
  switch (format) {
    case 'github':
      return formatGithubChunks(results, pathOf);
    case 'gitlab':
      return formatGitlabChunks(results, pathOf);
    case 'json':
      return formatJsonChunks(results, o.version);
    case 'sarif':
      // SARIF wants paths from the checkout root, while the text report's headers are per argument.
      return formatSarifChunks(results, o.version, pathOf);
    default:
      return formatTextChunks(results, { paint: o.paint, pathOf, quiet: o.quiet });
  }
}

function parseConcurrency(value: string | undefined): number | 'auto' {
  if (value === undefined || value === 'auto') return 'auto';
  if (value === 'off') return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--concurrency wants a number, auto or off, not "${value}"`);
  return n;
}

export const lint: Command = {
  name: 'lint',
  summary: 'validate policy files against their schema and rules',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        dialect: { type: 'string' },
        concurrency: { type: 'string' },
        config: { type: 'string' },
        'no-ignore': { type: 'boolean' },
        fix: { type: 'boolean' },
        'fix-dry-run': { type: 'boolean' },
        cache: { type: 'boolean' },
        'cache-location': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        'pass-on-no-policy': { type: 'boolean', default: false },
        quiet: { type: 'boolean', short: 'q', default: false },
        output: { type: 'string', short: 'o' },
        'max-warnings': { type: 'string' },
      },
    });
    const maxWarnings = parseMaxWarnings(values['max-warnings']);
    if (values.output === '') throw new UsageError('--output wants a file name');
    if (values.fix && values['fix-dry-run'])
      throw new UsageError('--fix and --fix-dry-run exclude each other');
    if (!positionals.length) throw new UsageError('lint needs at least one path');
    const format = checkChoice('format', values.format, FORMATS);
    const cacheFile =
      values.cache || values['cache-location'] !== undefined
        ? resolve(values['cache-location'] ?? join(DEFAULT_CACHE_DIR, 'lint.json'))
        : undefined;
    const dialect = checkDialect(values.dialect);
    const run = () =>
      lintFiles(
        positionals,
        dialect,
        parseConcurrency(values.concurrency),
        {
          ignore: !values['no-ignore'],
          config: values.config,
        },
        cacheFile,
        io.version,
      );
    let { results, skipped } = await run();
    if (values.verbose && skipped.length)
      io.err(
        `policylens lint: skipped ${yamlFiles(skipped.length)} that ${skipped.length === 1 ? 'is' : 'are'} not a policy:\n${skipped.map((f) => `  ${f}\n`).join('')}`,
      );
    if (!results.length && !values['pass-on-no-policy']) {
      io.err(
        `policylens lint: no policy file found in ${positionals.join(', ')}` +
          (skipped.length
            ? ` (${yamlFiles(skipped.length)} skipped: nothing in them says they are policies)`
            : '') +
          '\nA file is a policy when its keys are those of a format, when its `$schema` is one of ours, or with a\n`# policylens: dialect=<id>` comment at its top; --dialect forces every file.\n',
      );
      return 2;
    }
    if (values['fix-dry-run'] || values.fix) {
      const plans = planFixes(results);
      if (values['fix-dry-run']) {
        io.out(fixDiff(plans));
        io.err(fixSummary(plans, true));
        return plans.length ? 1 : 0;
      }
      for (const p of plans) writeAtomically(p.path, p.after);
      io.err(fixSummary(plans, false));
      // The report is of the files as they are now.
      if (plans.length) ({ results, skipped } = await run());
    }
    // --max-warnings counts what the run found; --quiet then hides all but the errors.
    const warnings = countBy(results, 'warning');
    if (values.quiet) results = errorsOnly(results);
    const toFile = values.output !== undefined;
    const report = formatReport(format, results, {
      version: io.version,
      paint: painter(toFile ? {} : process.stdout, io.color),
      quiet: values.quiet,
    });
    if (toFile) {
      try {
        writeAtomically(resolve(values.output as string), report);
      } catch (e) {
        io.err(`policylens lint: cannot write ${values.output}: ${reason(e)}\n`);
        return 2;
      }
    } else for (const chunk of report) io.out(chunk);
    const failed = countBy(results, 'error') > 0;
    if (maxWarnings !== undefined && warnings > maxWarnings) {
      io.err(
        `policylens lint: ${warnings} warning${warnings === 1 ? '' : 's'}, more than --max-warnings ${maxWarnings}\n`,
      );
      return 1;
    }
    return failed ? 1 : 0;
  },
};
