import { parseArgs } from 'node:util';
import { findTestFiles, runTestFile, type FileReport } from '../eval/tests';
import type { LoadedPolicies } from '../eval/load';
import { OFFLINE_HINT, liveAddedNote, livePoliciesOf } from '../eval/live';
import { failureLines, printable } from '../../core/index';
import { InputError } from '../files';
import { painter } from '../report/color';
import { toJson } from '../report/json';
import { formatJunit } from '../report/junit';
import { checkChoice } from '../usage';
import type { Command } from './types';

export const HELP = `Usage: policylens test [path...] [--format text|json|junit] [--filter TEXT] [--live] [--url URL]
                      [--config FILE]

Runs the policy tests under the paths (default: the current directory): every *.policytest.yaml,
.yml or .json file (schemas/policylens/policytest.schema.json). Each case runs its event, or its
events in order with the state carried over, through the policies the file names under
\`policies:\` (relative to the file; default: the file's own folder) and checks \`expect\`: the
decision (allow, warn, require_approval, block), fired, notFired, skipped, messageContains. The
clock is each event's \`at:\` or timestamp, never the machine's.
--filter runs only the cases whose name contains TEXT (case-insensitive). --format json prints
every case with its results; --format junit prints JUnit XML for CI dashboards.
A prerequisite that is a server id (a bundle exported from Execlave) is resolved offline only when
a bundle among the policies carries that id; else its chained policy is skipped. --live (or --url
URL) reads the live org's policies (POLICYLENS_API_URL / POLICYLENS_API_KEY or the config's
live.url, as sync; GET requests only) and runs each case against the org as sync would leave it:
each id of a live policy is read as that policy's name, and the live policies no file of the set
declares run with its files (stderr names them), as replay reads the working tree against live.
Exit status: 0 when every case passes, 1 when one fails (or a test file cannot run), 2 on a usage
error, when no case is found, when a test file has no policy file to run against, or when the
live org (--live) cannot be read.`;

function formatText(files: readonly FileReport[], paint: ReturnType<typeof painter>): string {
  const lines: string[] = [];
  let passed = 0;
  let failed = 0;
  for (const f of files) {
    lines.push(printable(f.file));
    if (f.error) {
      failed++;
      lines.push(`  ${paint.red('✗')} ${f.error.split('\n').map(printable).join('\n      ')}`);
      continue;
    }
    for (const c of f.cases) {
      if (c.passed) {
        passed++;
        lines.push(`  ${paint.green('✓')} ${printable(c.name)}`);
        continue;
      }
      failed++;
      lines.push(
        `  ${paint.red('✗')} ${printable(c.name)}${c.line ? paint.dim(`  (${printable(f.file)}:${c.line})`) : ''}`,
      );
      for (const x of failureLines(c.failures, c.why)) lines.push(`      ${printable(x)}`);
    }
  }
  lines.push('', `${passed} passed, ${failed} failed`);
  return lines.join('\n') + '\n';
}

export const testCommand: Command = {
  name: 'test',
  summary: 'run the policy tests (*.policytest.yaml) and report what passed',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        filter: { type: 'string' },
        live: { type: 'boolean', default: false },
        url: { type: 'string' },
        config: { type: 'string' },
      },
    });
    const format = checkChoice('format', values.format, ['text', 'json', 'junit']);
    const paths = positionals.length ? positionals : ['.'];
    const testFiles = findTestFiles(paths);
    if (!testFiles.length)
      throw new InputError(`no *.policytest.yaml, .yml or .json file under ${paths.join(', ')}`);
    const needle = values.filter?.toLowerCase();
    const filter = needle === undefined ? undefined : (name: string) => name.toLowerCase().includes(needle);
    // The org is read once, before any case runs; --url names the org, so it asks for it.
    const load =
      values.live || values.url !== undefined
        ? { live: await livePoliciesOf(paths[0]!, values.url, values.config) }
        : { offlineHint: OFFLINE_HINT };
    const cache = new Map<string, LoadedPolicies>();
    const reports = testFiles.map((p) => runTestFile(p, filter, cache, load));
    const files = reports.filter((f) => f.error || f.cases.length);
    if (!files.length)
      throw new InputError(
        values.filter !== undefined
          ? `no case matches --filter "${values.filter}"`
          : `no case in ${reports.length === 1 ? reports[0].file : `the ${reports.length} test files under ${paths.join(', ')}`}`,
      );
    for (const loaded of cache.values()) for (const w of loaded.warnings) io.err(`policylens test: ${w}\n`);
    const notes = [...cache.values()].flatMap((l) => (l.liveAdded ? [liveAddedNote(l.liveAdded)] : []));
    for (const note of new Set(notes)) io.err(`policylens test: ${note}\n`);
    if (format === 'json') {
      const cases = files.flatMap((f) => f.cases);
      const failing = cases.filter((c) => !c.passed).length;
      // A file that cannot run counts as one failed case, as the JUnit report counts it.
      const broken = files.filter((f) => f.error).length;
      io.out(
        toJson(io.version, {
          files,
          summary: {
            files: files.length,
            cases: cases.length + broken,
            passed: cases.length - failing,
            failed: failing + broken,
          },
        }),
      );
    } else if (format === 'junit') io.out(formatJunit(files));
    else io.out(formatText(files, painter(process.stdout, io.color)));
    return files.some((f) => f.error || f.cases.some((c) => !c.passed)) ? 1 : 0;
  },
};
