import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import {
  analyze,
  chainPolicyOf,
  ChainIndex,
  compareFindings,
  fileChainFindings,
  LineIndex,
} from '../../core/index';
import { collectPolicyFiles, readPolicyText, UsageError } from '../files';
import { formatJson } from '../report/json';
import { formatSarif } from '../report/sarif';
import { formatText } from '../report/text';
import type { FileResult } from '../report/types';
import type { Command } from './types';

export const HELP = `Usage: policylens lint <path>... [--format text|json|sarif] [--dialect ID]

Validates every policy file (.json, .yaml, .yml) under the given paths.
Exit status: 0 when every file is valid, 1 when any has an error, 2 on a usage error.`;

/**
 * Lints files one by one (a file that cannot be read is reported and the run goes on), then runs
 * the same cross-file chain analysis as the editor over the linted set: a cycle across three files
 * fails CI exactly as it is underlined in the editor. A prerequisite defined outside the linted
 * paths is reported as missing (a warning), since lint only knows what it was given.
 */
export function lintFiles(paths: readonly string[], dialect?: string): FileResult[] {
  const index = new ChainIndex();
  const results = collectPolicyFiles(paths).map((f): FileResult & { path: string } => {
    try {
      const { text, invalidEncoding } = readPolicyText(f.path);
      const a = analyze(text, { fileName: f.path, dialect, invalidEncoding });
      const policy = a.doc && chainPolicyOf(f.path, a.doc, a.dialect.id);
      if (policy) index.set(policy);
      return {
        path: f.path,
        file: f.display,
        dialect: a.dialect.id,
        dialectLabel: a.dialect.label,
        findings: a.findings,
        lines: a.lines,
      };
    } catch (e) {
      return {
        path: f.path,
        file: f.display,
        dialect: 'unknown',
        dialectLabel: 'unknown',
        findings: [],
        lines: new LineIndex(''),
        readError: (e as Error).message,
      };
    }
  });
  return results.map(({ path, ...r }) => {
    const chain = fileChainFindings(index, path);
    return chain.length ? { ...r, findings: [...r.findings, ...chain].sort(compareFindings) } : r;
  });
}

export const lint: Command = {
  name: 'lint',
  summary: 'validate policy files against their schema and rules',
  help: HELP,
  run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { format: { type: 'string', default: 'text' }, dialect: { type: 'string' } },
    });
    if (!positionals.length) throw new UsageError('lint needs at least one path');
    const format = values.format;
    if (format !== 'text' && format !== 'json' && format !== 'sarif')
      throw new UsageError(`unknown format "${format}" (text, json or sarif)`);
    const results = lintFiles(positionals, values.dialect);
    if (format === 'json') io.out(formatJson(results));
    else if (format === 'sarif')
      io.out(
        formatSarif(results, io.version, (file) =>
          relative(process.cwd(), resolveDisplay(file, positionals)).split('\\').join('/'),
        ),
      );
    else io.out(formatText(results, process.stdout));
    const failed = results.some((r) => r.readError || r.findings.some((f) => f.severity === 'error'));
    return failed ? 1 : 0;
  },
};

/** SARIF wants paths from the checkout root, while the text report prints them per argument. */
function resolveDisplay(display: string, args: readonly string[]): string {
  for (const f of collectPolicyFiles(args)) if (f.display === display) return f.path;
  return display;
}
