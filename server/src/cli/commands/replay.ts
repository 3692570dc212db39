import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { compilePolicies, RULES, type ReplayReport } from '../../core/index';
import { UsageError } from '../files';
import { checkChoice } from '../usage';
import { formatReport } from '../replay/format';
import { toJson } from '../report/json';
import { projectFor } from '../project';
import { eventsOf } from '../replay/configEvents';
import { nothingReplayed } from '../replay/noEvents';
import { replayHere } from '../replay/run';
import { atGitRef, LiveError, liveOrg, workingTree, type Side } from '../replay/sides';
import { replayThreaded } from '../replay/threads';
import type { Command } from './types';

export const HELP = `Usage: policylens replay [<events...>] [--policies <path>]... [--against live|git:<ref>|<path>]
                        [--format text|json] [--fail-on <gates>] [--examples N] [--threads auto|1|2] [--url URL]
                        [--config FILE] [--prune]

Replays recorded agent traffic through two policy sets and prints how their decisions differ:
each change (allow → block, block → allow, allow → require_approval, …) with its count and first
examples (file:line, agent, the policies that decide on each side), then per policy and per agent.
The events are JSON Lines files, plain or gzip, one event per line in the shape of \`policylens
eval\` (Execlave enforce bodies and Agent Sentinel action records load as they are; see
docs/replay.md). Each side keeps its own budgets, rate windows and evidence, in file order. A line
that is not an event, an unknown field, an event out of time order or a gzip that ends early is a
finding with its line, never a stop. Files are streamed: memory stays flat whatever their size.
Without <events>, the replay.events of the project config (the policylens.config.yaml nearest the
first --policies path, or --config FILE) are replayed, as the editor replays them.

  --policies P   the working tree's policy paths (default: the current directory); repeatable
  --against B    the baseline: live (default: the live org, as sync reads it), git:<ref> (the same
                 paths at a git revision, read with git show, nothing checked out) or a path
                 (repeatable). Against live, the working tree's side is the org as sync leaves
                 it: the bundles, and the live policies no bundle declares
  --prune        against live: leave the live policies no bundle declares out of the working
                 tree's side, as sync --prune deletes them
  --format       text (default) or json
  --fail-on G    exit 1 when any of these happened (comma-separated): newly-blocked (allowed by the
                 baseline, blocked or sent to approval by the working tree), newly-allowed, changed
                 (any decision change), errors (a line that could not be replayed)
  --examples N   examples kept per change (default 5, at most 1000)
  --threads T    auto (default: two worker threads for files over 16 MB), 1 or 2 (workers)
  --url URL      the live org's API (else POLICYLENS_API_URL or EXECLAVE_BASE_URL, else the
                 config's live.url)
  --config FILE  the project config to read replay.events and live.url from (default: the nearest)

Exit status: 0 done (no gate tripped), 1 a --fail-on gate tripped or had no event to check (the
files held none: said on stderr, with or without a gate), the live org could not be read or sync --prune would refuse the plan replayed with --prune (a bundle names a prerequisite it
deletes: the report is printed, with a warning), 2 a usage error: an events file that cannot be read, an unknown or empty gate, a policy file
that does not parse, a --policies or --against path with no policy file, a git revision that does
not exist.`;

const GATES = ['newly-blocked', 'newly-allowed', 'changed', 'errors'] as const;
type Gate = (typeof GATES)[number];

/** The most examples a change may keep: each is held until the report is printed. */
const MAX_EXAMPLES = 1000;

/** Above this many bytes of events, `--threads auto` runs the replay on two worker threads. */
const THREADED_BYTES = 16 << 20;

/**
 * The gates of `--fail-on`. A value that names no gate (`""`, `,`) or has an empty one between its
 * commas is a usage error, as an unknown gate is: taken as "no gate", it turned the CI gate a
 * pipeline asked for off without a word.
 */
function gates(text: string | undefined): Gate[] {
  if (text === undefined) return [];
  const out = text.split(',').map((g) => g.trim());
  if (out.some((g) => !g))
    throw new UsageError(
      `--fail-on wants one or more of ${GATES.slice(0, -1).join(', ')} or ${GATES.at(-1)} (comma-separated), not ${JSON.stringify(text)}`,
    );
  // A gate named twice is one gate (it was reported twice when it tripped).
  return [...new Set(out)].map((g) => checkChoice('--fail-on gate', g, GATES));
}

/** The gates a report trips, with the count that tripped each. */
export function tripped(report: ReplayReport, wanted: readonly Gate[]): string[] {
  const errors = Object.entries(report.findingCounts)
    .filter(([c]) => RULES[c as keyof typeof RULES]?.severity === 'error')
    .reduce((a, [, k]) => a + k, 0);
  const counts: Record<Gate, number> = {
    'newly-blocked': report.newlyBlocked,
    'newly-allowed': report.newlyAllowed,
    changed: report.changed,
    errors,
  };
  return wanted.filter((g) => counts[g] > 0).map((g) => `${g} (${counts[g].toLocaleString('en')})`);
}

async function run(argv: string[], io: Parameters<Command['run']>[1]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      policies: { type: 'string', multiple: true },
      against: { type: 'string', multiple: true },
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string' },
      examples: { type: 'string', default: '5' },
      threads: { type: 'string', default: 'auto' },
      url: { type: 'string' },
      config: { type: 'string' },
      prune: { type: 'boolean', default: false },
    },
  });
  checkChoice('format', values.format, ['text', 'json']);
  // Number('') is 0: an empty value (an unset variable) asked for no examples without a word.
  // Examples are held until the report: a huge number kept every changed event (1.8 GB a million).
  const examples = Number(values.examples);
  if (!/^\d+$/.test(values.examples) || !Number.isSafeInteger(examples) || examples > MAX_EXAMPLES)
    throw new UsageError(
      `--examples takes a whole number from 0 to ${MAX_EXAMPLES.toLocaleString('en')}, not "${values.examples}"`,
    );
  checkChoice('--threads value', values.threads, ['auto', '1', '2']);
  const wanted = gates(values['fail-on']);
  const paths = values.policies?.length ? values.policies : ['.'];
  const project = projectFor(paths[0] ?? '.', values.config);
  const { files, bytes } = eventsOf(positionals, project);
  if (!files.length)
    throw new UsageError('replay needs an events file (on the command line, or replay.events in the config)');
  const exclude = new Set(files.map((f) => f.path));
  let current = workingTree(paths, exclude, '--policies');
  const against = values.against?.length ? values.against : ['live'];
  // Only a sync prunes, and only the live org is synced: against a folder or a revision there is
  // nothing the flag could leave out, and taking it silently would let a reader believe it did.
  if (values.prune && !(against.length === 1 && against[0] === 'live'))
    throw new UsageError(
      '--prune goes with --against live (it leaves out the live policies no bundle declares)',
    );
  let baseline: Side;
  // With --prune: sync --prune would refuse this plan (a bundle names a prerequisite it deletes).
  let refused = false;
  try {
    if (against.length === 1 && against[0] === 'live')
      ({ baseline, current, refused } = await liveOrg(project, values.url, current, values.prune));
    else if (against.length === 1 && against[0].startsWith('git:')) {
      const ref = against[0].slice(4);
      if (!ref) throw new UsageError('--against git:<ref> needs a revision');
      baseline = atGitRef(paths, ref);
    } else if (against.some((a) => a === 'live' || a.startsWith('git:')))
      throw new UsageError('--against live or git:<ref> stands alone');
    else baseline = workingTree(against, exclude, '--against');
  } catch (e) {
    if (e instanceof LiveError) {
      io.err(`policylens replay: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const warnings = [...current.warnings, ...baseline.warnings];
  for (const w of warnings) io.err(`policylens replay: ${w}\n`);

  const options = { examples, maxFindings: 100 };
  const script = __filename.endsWith('.js') ? __filename : undefined;
  const threaded =
    script !== undefined &&
    (values.threads === '2' ||
      (values.threads === 'auto' && bytes > THREADED_BYTES && availableParallelism() > 1));
  const report = threaded
    ? await replayThreaded(files, { baseline: baseline.sources, current: current.sources }, options, script, {
        workers: 2,
      })
    : await replayHere(
        files,
        { baseline: compilePolicies(baseline.sources), current: compilePolicies(current.sources) },
        options,
      );
  // No event replayed (an empty recording, an export that failed): said, and no gate passes on it.
  const empty = nothingReplayed(report, files);
  if (empty) {
    warnings.push(empty);
    io.err(`policylens replay: ${empty}\n`);
  }
  const labels = { current: `working tree (${current.label})`, baseline: baseline.label };
  io.out(
    values.format === 'json'
      ? toJson(io.version, { current: labels.current, baseline: labels.baseline, ...report, warnings })
      : formatReport(report, labels),
  );
  const hits = tripped(report, wanted);
  if (hits.length) {
    io.err(`policylens replay: --fail-on: ${hits.join(', ')}\n`);
    return 1;
  }
  if (empty && wanted.length) {
    io.err(`policylens replay: --fail-on: no event was replayed, so ${wanted.join(', ')} checked nothing\n`);
    return 1;
  }
  return refused ? 1 : 0;
}

export const replayCommand: Command = {
  name: 'replay',
  summary: 'replay recorded traffic through the working tree and a baseline, and print the difference',
  help: HELP,
  run,
};
