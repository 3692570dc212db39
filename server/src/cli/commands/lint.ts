import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import {
  applyRuleSettings,
  applySuppressions,
  languageOf,
  chainPolicyFromFacts,
  ChainIndex,
  capFindings,
  compareFindings,
  fileChainFindings,
  LineIndex,
} from '../../core/index';
import { collectPolicyFiles, UsageError, type CollectOptions } from '../files';
import type { LintedFile } from '../lint/one';
import { fixDiff, fixSummary, planFixes, writeAtomically } from '../lint/fix';
import { lintAll, threadsFor } from '../lint/pool';
import { formatJson } from '../report/json';
import { formatSarif } from '../report/sarif';
import { formatText } from '../report/text';
import type { FileResult } from '../report/types';
import type { Fixable } from '../lint/fix';
import type { Command } from './types';

export const HELP = `Usage: policylens lint <path>... [--format text|json|sarif] [--dialect ID] [--concurrency N|auto|off]
                      [--config FILE] [--no-ignore] [--fix | --fix-dry-run]

Validates every policy file (.json, .yaml, .yml) under the given paths. Large sets are linted on
several threads on machines with 4 or more cores (--concurrency auto, the default); a number sets
the threads, off keeps to one.
The nearest policylens.config.yaml above each path (or --config FILE) sets include/exclude globs,
dialects and rule severities (docs/configuration.md); .gitignore is honoured unless --no-ignore.
--fix applies the safe fixes (those that keep a policy's meaning, the editor's "fix all" limited
to them), writing each file atomically, then reports what is left; --fix-dry-run prints them as a
unified diff instead and exits 1 when there is something to fix, 0 when not.
Exit status: 0 when every file is valid, 1 when any has an error or a file or folder under a path
cannot be read, 2 on a usage error or a path argument that cannot be read (named pipes and devices
are not read).`;

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
): Promise<(FileResult & Fixable)[]> {
  const files = collectPolicyFiles(paths, collect);
  // Entries that could not be read at all (a directory that refused its listing) are not linted.
  const readable = files.filter((f) => f.error === undefined);
  const threads = threadsFor(readable.length, concurrency);
  // Workers run the CLI's bundle; from the TypeScript sources (tests) everything runs here.
  const script = __filename.endsWith('.js') ? __filename : undefined;
  const lintedReadable = await lintAll(
    readable.map((f) => f.path),
    readable.map((f) => dialect ?? f.settings.dialect),
    threads,
    script,
  );
  let next = 0;
  const linted: LintedFile[] = files.map((f) =>
    f.error === undefined
      ? lintedReadable[next++]
      : { text: '', dialect: 'unknown', dialectLabel: 'unknown', findings: [], readError: f.error },
  );
  const index = new ChainIndex();
  linted.forEach((l) => l.chain && index.set(chainPolicyFromFacts(l.chain, l.text)));
  return linted.map((l, i) => {
    const chain = l.readError ? [] : fileChainFindings(index, files[i].path);
    // The engine capped the file's findings (MAX_FINDINGS_PER_FILE); with the chain's, they are again.
    const all = chain.length ? capFindings([...l.findings, ...chain].sort(compareFindings)) : l.findings;
    return {
      path: files[i].path,
      file: files[i].display,
      rules: files[i].settings.rules,
      ...((dialect ?? files[i].settings.dialect) ? { forced: dialect ?? files[i].settings.dialect } : {}),
      dialect: l.dialect,
      dialectLabel: l.dialectLabel,
      // Inline suppressions first, then the config's severities (lsp/documents.ts does the same).
      findings: applyRuleSettings(
        applySuppressions(all, l.text, languageOf(files[i].path)),
        files[i].settings.rules,
      ),
      lines: new LineIndex(l.text),
      ...(l.readError ? { readError: l.readError } : {}),
    };
  });
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
      },
    });
    if (values.fix && values['fix-dry-run'])
      throw new UsageError('--fix and --fix-dry-run exclude each other');
    if (!positionals.length) throw new UsageError('lint needs at least one path');
    const format = values.format;
    if (format !== 'text' && format !== 'json' && format !== 'sarif')
      throw new UsageError(`unknown format "${format}" (text, json or sarif)`);
    const run = () =>
      lintFiles(positionals, values.dialect, parseConcurrency(values.concurrency), {
        ignore: !values['no-ignore'],
        config: values.config,
      });
    let results = await run();
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
      if (plans.length) results = await run();
    }
    if (format === 'json') io.out(formatJson(results));
    else if (format === 'sarif')
      io.out(
        // SARIF wants paths from the checkout root, while the text report prints them per argument.
        formatSarif(results, io.version, (r) => relative(process.cwd(), r.path).split('\\').join('/')),
      );
    else io.out(formatText(results, process.stdout));
    const failed = results.some((r) => r.readError || r.findings.some((f) => f.severity === 'error'));
    return failed ? 1 : 0;
  },
};
