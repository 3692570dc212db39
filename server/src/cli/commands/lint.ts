import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { didYouMean, DIALECTS, getDialect, printable, type Span } from '../../core/index';
import { fromCwd, reason, UsageError, type Excluded } from '../files';
import { fixDiff, fixSummary, planFixes, writeAtomically, writeFix } from '../lint/fix';
import { heldIdMessage, heldIds, withHeldId } from '../lint/heldIds';
import { idPrerequisites } from '../lint/idPrerequisites';
import { ProjectFiles } from '../lint/projectFiles';
import { errorsOnly, lintFiles, withChangedFindings } from '../lint/run';
import { formatGithubChunks } from '../report/github';
import { formatGitlabChunks } from '../report/gitlab';
import { formatJsonChunks } from '../report/json';
import { formatSarifChunks } from '../report/sarif';
import { formatTextChunks } from '../report/text';
import { coalesce, countBy, type FileResult } from '../report/types';
import { painter, type Paint } from '../report/color';
import type { Fixable } from '../lint/fix';
import { repoPaths } from '../project';
import { checkChoice } from '../usage';
import type { Command } from './types';

export { errorsOnly, fromCwd, lintFiles };

/** lint's report formats (`--format`). */
export const FORMATS = ['text', 'json', 'sarif', 'github', 'gitlab'] as const;
type Format = (typeof FORMATS)[number];

/** Where `--cache` keeps its file, from the current directory (add it to .gitignore). */
export const DEFAULT_CACHE_DIR = '.policylens-cache';

export const HELP = `Usage: policylens lint <path>... [--format text|json|sarif|github|gitlab] [-o FILE] [--quiet] [--max-warnings N]
                      [--dialect ID] [--concurrency N|auto|off] [--config FILE] [--no-ignore]
                      [--fix | --fix-dry-run] [--cache] [--cache-location FILE] [--color | --no-color]
                      [--verbose] [--pass-on-no-policy] [--force-exclude]

Validates every policy file (.json, .yaml, .yml) under the given paths, and every policy test
file (*.policytest.yaml, .yml, .json) with the editor's checks: the test schema, each \`expect\`
name against the policies its \`policies:\` names (read from the disk, whatever the paths), a
\`policies:\` path that names nothing (\`policylens test\` runs their cases).
Large sets are linted on several threads on machines with 4 or more cores (--concurrency auto, the
default); a number sets the threads, off keeps to one.
Each file's nearest policylens.config.yaml (or --config FILE) sets include/exclude globs, dialects
and rule severities (docs/configuration.md); .gitignore is honoured unless --no-ignore.
A file named on the command line is linted even when a walk would skip it; --force-exclude skips
it as a walk would (for pre-commit hooks, which name every staged file; --verbose says why).
Each problem is a line \`path:line:col: severity: message [code]\` (the path from the current
directory, so terminals and editors open it). --quiet reports errors only (no \`✓\` line, no
warning) in every format; -o FILE writes the report to FILE (atomically) instead of standard
output; --max-warnings N fails the run when there are more than N warnings (counted before
--quiet hides them). Colour follows --color / --no-color, else FORCE_COLOR and NO_COLOR, else
whether the output is a terminal; a file written by -o is never coloured. For CI (docs/ci.md):
--format github prints workflow-command annotations for GitHub Actions, sarif a SARIF 2.1.0 log
for code scanning, gitlab a Code Quality report for GitLab merge requests, each naming files from
the root of their git repository.
--fix applies the safe fixes (those that keep a policy's meaning, the editor's "fix all" limited
to them), writing each file atomically, then reports what is left; --fix-dry-run prints them as a
unified diff instead and exits 1 when there is something to fix, 0 when not. Given some of a
project's files, both keep a bundle's server \`id\` while a bundle they do not lint names it by that
id (stderr says which): fix those together, or the folder.
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

/** A `--dialect` value must name a dialect: a typo is a usage error, never a silent fallback. */
export function checkDialect(id: string | undefined): string | undefined {
  if (id === undefined || getDialect(id)) return id;
  const ids = DIALECTS.map((d) => d.id);
  throw new UsageError(`unknown dialect "${id}"${didYouMean(id, ids)} (one of ${ids.join(', ')})`);
}

const yamlFiles = (n: number) => `${n} YAML/JSON ${n === 1 ? 'file' : 'files'}`;

/**
 * Why a run found nothing to lint. When the config's `include` left out every file a walk found
 * (a typo such as `policy/**`), that is what is said, naming the config: "not a policy" sent users
 * looking at their files instead of at the glob.
 */
function noPolicyMessage(positionals: string[], skipped: string[], excluded: Excluded[]): string {
  const where = positionals.join(', ');
  const outside = excluded.filter((e) => !e.named);
  const configs = [...new Set(outside.map((e) => e.config ?? ''))].join(', ');
  if (!skipped.length && outside.length)
    return (
      `policylens lint: no file to lint in ${where}: the include of ${configs} leaves out every ` +
      `YAML/JSON file found (${outside.length}, such as ${outside[0]!.display})\n` +
      "Its globs are relative to the config's folder; --verbose lists the files it leaves out.\n"
    );
  const named = excluded.filter((e) => e.named);
  return (
    `policylens lint: no policy file found in ${where}` +
    (skipped.length
      ? ` (${yamlFiles(skipped.length)} skipped: nothing in them says they are policies)`
      : '') +
    (named.length
      ? ` (${yamlFiles(named.length)} skipped as a directory walk skips them: --force-exclude)`
      : '') +
    (outside.length ? ` (${yamlFiles(outside.length)} outside the include of ${configs})` : '') +
    '\nA file is a policy when its keys are those of a format, when its `$schema` is one of ours, or with a\n`# policylens: dialect=<id>` comment at its top; --dialect forces every file.\n'
  );
}

/** `--max-warnings N`: a count (eslint's -1, no limit, is also taken). */
function parseMaxWarnings(value: string | undefined): number | undefined {
  if (value === undefined || value === '-1') return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new UsageError(`--max-warnings wants a number of warnings (0 or more), not "${value}"`);
  return n;
}

/**
 * The report in one of lint's formats (for standard output or --output), in chunks of about one
 * file each: thousands of files with hundreds of findings each make a report longer than V8 lets
 * one string be, so it is written as it is made, never joined.
 *
 * Text and JSON name files from the current directory (humans and scripts read them there); the CI
 * formats from the root of the file's git repository, which is what GitHub and GitLab resolve
 * them against (docs/decisions/ci.md). The text report's `✓`/`✗` lines keep the seed's path under
 * its argument when there is one argument; with several, two arguments may hold a `prod/a.yaml`
 * each, so the lines then name the file from the current directory, as the finding lines do.
 */
export function formatReport(
  format: Format,
  results: (FileResult & Fixable)[],
  o: { version: string; paint: Paint; quiet: boolean; severalPaths?: boolean },
): Iterable<string> {
  const pathOf = (r: FileResult & Fixable) => fromCwd(r.path);
  const fromRoot = repoPaths();
  const ciPathOf = (r: FileResult & Fixable) => fromRoot(r.path);
  switch (format) {
    case 'github':
      return formatGithubChunks(results, ciPathOf);
    case 'gitlab':
      return formatGitlabChunks(results, ciPathOf);
    case 'json':
      return formatJsonChunks(results, o.version, pathOf);
    case 'sarif':
      return formatSarifChunks(results, o.version, ciPathOf);
    default:
      return formatTextChunks(results, {
        paint: o.paint,
        pathOf,
        headerOf: o.severalPaths ? pathOf : (r) => r.file,
        quiet: o.quiet,
        placeOf: placeIn(results),
      });
  }
}

/**
 * `path:line:col` (from the current directory) of a place in one of the linted files, named as the
 * engine names them (a path, or a file URI); undefined for a file not among them.
 */
function placeIn(
  results: readonly (FileResult & Fixable)[],
): (file: string, span: Span) => string | undefined {
  let byPath: Map<string, FileResult & Fixable> | undefined;
  return (file, span) => {
    byPath ??= new Map(results.map((r) => [r.path, r]));
    const path = file.startsWith('file:') ? fileURLToPath(file) : file;
    const other = byPath.get(path);
    if (!other) return undefined;
    const pos = other.lines.positionAt(span.start);
    return `${printable(fromCwd(path))}:${pos.line + 1}:${pos.character + 1}`;
  };
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
        'force-exclude': { type: 'boolean', default: false },
        quiet: { type: 'boolean', short: 'q', default: false },
        output: { type: 'string', short: 'o' },
        'max-warnings': { type: 'string' },
      },
    });
    const maxWarnings = parseMaxWarnings(values['max-warnings']);
    if (values.output === '') throw new UsageError('--output wants a file name');
    if (values['cache-location'] === '') throw new UsageError('--cache-location wants a file name');
    if (values.fix && values['fix-dry-run'])
      throw new UsageError('--fix and --fix-dry-run exclude each other');
    if (!positionals.length) throw new UsageError('lint needs at least one path');
    const format = checkChoice('format', values.format, FORMATS);
    const cacheFile =
      values.cache || values['cache-location'] !== undefined
        ? resolve(values['cache-location'] ?? join(DEFAULT_CACHE_DIR, 'lint.json'))
        : undefined;
    const dialect = checkDialect(values.dialect);
    let excluded: Excluded[] = [];
    const run = () => {
      excluded = [];
      return lintFiles(
        positionals,
        dialect,
        parseConcurrency(values.concurrency),
        {
          ignore: !values['no-ignore'],
          config: values.config,
          forceExclude: values['force-exclude'],
          withTests: true,
          excluded,
        },
        cacheFile,
        io.version,
      );
    };
    let { results, skipped } = await run();
    const named = excluded.filter((e) => e.named);
    if (values.verbose && named.length)
      io.err(
        `policylens lint: skipped ${yamlFiles(named.length)} that a directory walk skips (--force-exclude):\n${named.map((e) => `  ${e.display}: ${e.why}\n`).join('')}`,
      );
    const outside = excluded.filter((e) => !e.named);
    if (values.verbose && outside.length)
      io.err(
        `policylens lint: left out ${yamlFiles(outside.length)} outside the config's include:\n${outside.map((e) => `  ${e.display}: ${e.why}\n`).join('')}`,
      );
    if (values.verbose && skipped.length)
      io.err(
        `policylens lint: skipped ${yamlFiles(skipped.length)} that ${skipped.length === 1 ? 'is' : 'are'} not a policy:\n${skipped.map((f) => `  ${f}\n`).join('')}`,
      );
    if (!results.length && !values['pass-on-no-policy']) {
      io.err(noPolicyMessage(positionals, skipped, excluded));
      return 2;
    }
    // The project's other bundles, read only when a fix depends on them (lint/projectFiles.ts).
    const project = new ProjectFiles(
      results.map((r) => r.path),
      { ignore: !values['no-ignore'], config: values.config },
    );
    const held = heldIds(results, project);
    if (values['fix-dry-run'] || values.fix) {
      for (const h of held) io.err(`policylens lint: ${printable(heldIdMessage(h))}\n`);
      const ids = idPrerequisites(results, project);
      for (const note of ids.notes) io.err(`policylens lint: ${printable(note)}\n`);
      const fixable = results.map((r) => {
        const findings = ids.findings.get(r.path);
        return findings
          ? { path: r.path, readError: r.readError, forced: r.forced, rules: r.rules, findings }
          : r;
      });
      const plans = planFixes(fixable, new Set(held.map((h) => h.path)));
      if (values['fix-dry-run']) {
        io.out(fixDiff(plans));
        io.err(fixSummary(plans, true));
        return plans.length ? 1 : 0;
      }
      for (const p of plans) writeFix(p);
      io.err(fixSummary(plans, false));
      // The report is of the files as they are now.
      if (plans.length) ({ results, skipped } = await run());
    }
    // The finding on a held `id` says that lint --fix keeps it, and why.
    results = withChangedFindings(results, new Map(held.map((h) => [h.path, (f) => withHeldId(h, f)])));
    // --max-warnings counts what the run found; --quiet then hides all but the errors.
    const warnings = countBy(results, 'warning');
    if (values.quiet) results = errorsOnly(results);
    const toFile = values.output !== undefined;
    const report = formatReport(format, results, {
      version: io.version,
      // A file written by -o is never coloured, whatever forces colour: FORCE_COLOR is often set
      // for a whole CI job, and a report file is read by programs and viewers, not a terminal.
      paint: toFile ? painter({}, false) : painter(process.stdout, io.color),
      quiet: values.quiet,
      severalPaths: positionals.length > 1,
    });
    if (toFile) {
      try {
        writeAtomically(resolve(values.output as string), coalesce(report));
      } catch (e) {
        io.err(`policylens lint: cannot write ${values.output}: ${reason(e)}\n`);
        return 2;
      }
    } else for (const chunk of coalesce(report)) io.out(chunk);
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
