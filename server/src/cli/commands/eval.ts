import { parseArgs } from 'node:util';
import { emptyState, evaluate, type EvalEvent, type EvalResult } from '../../core/index';
import { readEventSource } from '../eval/event';
import { OFFLINE_HINT, liveAddedNote, livePoliciesOf } from '../eval/live';
import { loadSomePolicies } from '../eval/load';
import { exitStatus, formatTrace } from '../eval/trace';
import { UsageError } from '../files';
import { painter } from '../report/color';
import { ITEMS, jsonFrame, toJson } from '../report/json';
import { checkChoice } from '../usage';
import type { Command } from './types';

export const HELP = `Usage: policylens eval [path...] --event <file|-> [--format text|json] [--live] [--url URL]
                      [--config FILE]

Runs an event through the policies under the paths (default: the current directory; every
dialect, detected as lint detects it; *.policytest.* files are left out) and prints the decision
trace: one line per policy in evaluation order with its status (fired, passed, skipped, not
applicable, not evaluated), then the decision. The event is a JSON or YAML file, or - for standard
input (schemas/policylens/event.schema.json); a list of events, or a .jsonl file (one event per
line, gzip or plain, decoded as replay decodes it: docs/replay.md's aliases such as kwargs for args;
read from disk as it runs), runs in order with budgets, rate windows and evidence carried from one to
the next. The clock is each event's timestamp.
--format json prints the machine form (the SDK's EnforceResult fields and the trace).
A prerequisite that is a server id (a bundle exported from Execlave) is resolved offline only when
a bundle among the paths carries that id; else its chained policy is skipped. --live (or --url
URL) reads the live org's policies (POLICYLENS_API_URL / POLICYLENS_API_KEY or the config's
live.url, as sync; GET requests only) and evaluates the org as sync would leave it: each id of a
live policy is read as that policy's name, and the live policies no file declares run with the
files (stderr names them), as replay reads the working tree against the live org.
Exit status, of a list of events the most severe decision among them: 1 blocked or denied, else 3
approval required, else 0 allowed (with or without warnings); 2 on a usage error, a policy file
that does not parse, no policy file under the paths, or a live org (--live) that cannot be read.`;

export const evalCommand: Command = {
  name: 'eval',
  summary: 'run an event through the policies and print the decision trace',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        event: { type: 'string' },
        format: { type: 'string', default: 'text' },
        live: { type: 'boolean', default: false },
        url: { type: 'string' },
        config: { type: 'string' },
      },
    });
    if (values.event === undefined) throw new UsageError('eval needs --event <file|->');
    const format = checkChoice('format', values.format, ['text', 'json']);
    const source = await readEventSource(values.event);
    const { count, path } = source;
    const paths = positionals.length ? positionals : ['.'];
    // --url names the org, so it asks for it (as chain --url does).
    const live =
      values.live || values.url !== undefined
        ? await livePoliciesOf(paths[0]!, values.url, values.config)
        : undefined;
    const loaded = loadSomePolicies(
      paths,
      ': nothing to evaluate against',
      new Set(path ? [path] : []),
      live ? { live } : { offlineHint: OFFLINE_HINT },
    );
    for (const w of loaded.warnings) io.err(`policylens eval: ${w}\n`);
    for (const w of source.warnings ?? []) io.err(`policylens eval: ${w}\n`);
    if (loaded.liveAdded) io.err(`policylens eval: ${liveAddedNote(loaded.liveAdded)}\n`);
    // Each event's result is written as it is evaluated, never held: a .jsonl of 100,000 events
    // kept every trace and joined them into one string (1.15 GB). A .jsonl is read from disk as
    // it is run (eval/event.ts).
    // The exit status is the most severe decision of them all: a CI step that evaluates a
    // recorded session must fail when any of its events was blocked, not only the last.
    let status = 0;
    let state = emptyState();
    const run = (e: EvalEvent): EvalResult => {
      const r = evaluate(loaded.compiled, e, state);
      state = r.state;
      status = worse(status, exitStatus(r.result));
      return r.result;
    };
    // One event: the SDK's EnforceResult fields at the top, as before; a sequence (a list or a
    // JSON Lines file, even of one event): one per event, so the shape never depends on a count.
    if (format === 'json') {
      if (!source.sequence) await source.forEach((e) => io.out(toJson(io.version, run(e))));
      else {
        const frame = jsonFrame({ version: io.version, results: ITEMS });
        io.out(frame.open);
        await source.forEach(async (e) => {
          io.out(frame.item(run(e)));
          await io.drain?.();
        });
        io.out(frame.close());
      }
    } else {
      const paint = painter(process.stdout, io.color);
      let i = 0;
      await source.forEach(async (e) => {
        const head = count > 1 ? `— event ${i + 1} of ${count}\n` : '';
        io.out((i++ ? '\n' : '') + head + formatTrace(run(e), paint));
        await io.drain?.();
      });
    }
    return status;
  },
};

/** Of two exit statuses of decisions, the more severe: blocked (1), then approval required (3). */
function worse(a: number, b: number): number {
  const rank = (s: number) => (s === 1 ? 2 : s === 3 ? 1 : 0);
  return rank(b) > rank(a) ? b : a;
}
