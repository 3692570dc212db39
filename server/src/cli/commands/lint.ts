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
} from '../../core/index';
import { collectPolicyFiles, readWholeText, reason, UsageError, type CollectOptions } from '../files';
import { engineKey, LintCache } from '../lint/cache';
import { crossFileFindings, type ChainInput } from '../lint/crossfile';
import { lintOne, type LintedFile } from '../lint/one';
import { fixDiff, fixSummary, planFixes, writeAtomically } from '../lint/fix';
import { lintAll, threadsFor } from '../lint/pool';
import { formatGithubChunks } from '../report/github';
import { formatGitlabChunks } from '../report/gitlab';
import { formatJsonChunks } from '../report/json';
import { formatSarifChunks } from '../report/sarif';
import { formatTextChunks } from '../report/text';
import { countBy, type FileResult } from '../report/types';
import { painter, type Paint } from '../report/color';
import type { Fixable } from '../lint/fix';
import { checkChoice } from '../usage';
import type { Command } from './types';

/** lint's report formats (`--format`). */
const FORMATS = ['text', 'json', 'sarif', 'github', 'gitlab'] as const;
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
  const readable = files.filter((f, i) => f.error === undefined && !hits[i]);
  const threads = threadsFor(readable.length, concurrency);
  // Workers run the CLI's bundle; from the TypeScript sources (tests) everything runs here.
  const script = __filename.endsWith('.js') ? __filename : undefined;
  const lintedReadable = await lintAll(
    readable.map((f) => f.path),
    readable.map(forcedOf),
    threads,
    script,
    readable.map((f) => f.regular === true),
  );
  let next = 0;
  const texts: (string | undefined)[] = [];
  const directives: boolean[] = [];
  const chain: ChainInput[] = [];
  const textOf = (i: number): string => {
    if (texts[i] === undefined) {
      try {
        texts[i] = readWholeText(files[i].path);
      } catch {
        texts[i] = '';
      }
    }
    return texts[i]!;
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
    const l = lintedReadable[next++];
    const hash = cache?.store(f.path, forcedOf(f), l);
    texts[i] = l.text;
    directives[i] = l.text.includes('policylens-disable');
    const excluded = !!(l.readError || l.skipped);
    chain.push({ path: f.path, excluded, facts: l.chain, hash, fastParsed: !!l.fastParsed });
    return l;
  });
  const chainFindings = crossFileFindings(chain, {
    cache,
    text: textOf,
    relint: (i) => lintOne(files[i].path, forcedOf(files[i])).chain,
  });
  const lines: Pick<LineIndex, 'positionAt'>[] = [];
  const skipped = files.filter((_, i) => linted[i].skipped).map((f) => f.display);
  const results = linted.flatMap((l, i) => {
    if (l.skipped) return [];
    const chain = chainFindings[i];
    // The engine capped the file's findings (MAX_FINDINGS_PER_FILE); with the chain's, they are again.
    const all = chain.length ? capFindings([...l.findings, ...chain].sort(compareFindings)) : l.findings;
    if (all.length && cache) {
      // Placed from the recorded line starts, or from the text, whose line starts are then kept.
      const kept = hits[i]?.lines;
      if (kept) lines[i] = { positionAt: (o) => positionIn(kept.starts, kept.length, o) };
      else {
        const index = new LineIndex(textOf(i));
        cache.storeLines(files[i].path, { starts: [...index.lineStartOffsets()], length: index.text.length });
        lines[i] = index;
      }
    }
    return {
      path: files[i].path,
      file: files[i].display,
      rules: files[i].settings.rules,
      ...((dialect ?? files[i].settings.dialect) ? { forced: dialect ?? files[i].settings.dialect } : {}),
      dialect: l.dialect,
      dialectLabel: l.dialectLabel,
      // Inline suppressions first, then the config's severities (lsp/documents.ts does the same).
      findings: applyRuleSettings(
        directives[i] ? applySuppressions(all, textOf(i), languageOf(files[i].path)) : all,
        files[i].settings.rules,
      ),
      // Built on first use: a report needs the lines only of files with findings.
      lines: lines[i] ?? new LazyLines(() => textOf(i)),
      ...(l.readError ? { readError: l.readError } : {}),
    };
  });
  cache?.save();
  return { results, skipped };
}

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
function formatReport(
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
    if (values.quiet) for (const r of results) r.findings = r.findings.filter((f) => f.severity === 'error');
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
    const failed = results.some((r) => r.readError || r.findings.some((f) => f.severity === 'error'));
    if (maxWarnings !== undefined && warnings > maxWarnings) {
      io.err(
        `policylens lint: ${warnings} warning${warnings === 1 ? '' : 's'}, more than --max-warnings ${maxWarnings}\n`,
      );
      return 1;
    }
    return failed ? 1 : 0;
  },
};
