import type { CompiledPolicies } from '../eval/engine';
import { Combiner } from './combine';
import { ReplayDecoder } from './decode';
import { SideRunner } from './side';
import { Digester, newDigest, SplitPlan, type Digest } from './split';
import { ReplayTally } from './tally';
import type { ReplayInput, ReplayOptions, ReplayReport } from './types';

/** The two policy sets a replay compares: the working tree and what it would replace. */
export interface ReplaySides {
  current: CompiledPolicies;
  baseline: CompiledPolicies;
}

/**
 * The replay, pushed one line at a time (the CLI's line reader and tests use it directly; `replay`
 * wraps it for an async iterable). Each side keeps its own state and sees the events in file
 * order; the decoder reports lines that are not events and events out of time order. Policy sets
 * of Execlave policies only are decided in two stages (split.ts), each line decoded once for both
 * sides; others through `evaluate`, one side after the other.
 */
export class Replayer {
  private readonly decoder = new ReplayDecoder();
  private readonly current: SideRunner;
  private readonly baseline: SideRunner;
  private readonly split?: { digester: Digester; combiner: Combiner; digest: Digest };
  readonly tally: ReplayTally;

  constructor(sides: ReplaySides, options: Omit<ReplayOptions, 'signal'> = {}) {
    this.current = new SideRunner(sides.current);
    this.baseline = new SideRunner(sides.baseline);
    this.tally = new ReplayTally(options);
    const plan = options.classic ? undefined : SplitPlan.of(sides);
    if (plan)
      this.split = {
        digester: new Digester(plan, 0),
        combiner: new Combiner(plan, sides, this.tally),
        digest: newDigest(plan.width),
      };
  }

  push(input: ReplayInput): void {
    const split = this.split;
    if (split) {
      if (split.digester.digest(input, split.digest)) split.combiner.consume(split.digest, input.file);
      return;
    }
    const d = this.decoder.decode(input);
    if (!d) return;
    this.tally.line();
    if (d.findings) for (const f of d.findings) this.tally.finding(f);
    if (!d.event) return;
    const b = this.baseline.run(d.event);
    const c = this.current.run(d.event);
    this.tally.pair(d, d.agent, this.baseline.table.get(b), this.current.table.get(c));
  }

  report(cancelled = false): ReplayReport {
    return this.tally.report(cancelled);
  }
}

/**
 * Replays recorded events through two policy sets and reports how the decisions differ. The
 * events come as an (async) iterable of lines or parsed values with their line numbers; the
 * function never throws on bad input (each bad line is a finding). With `options.signal` aborted,
 * it stops at the next event and returns the report so far, marked `cancelled`.
 */
export async function replay(
  events: AsyncIterable<ReplayInput> | Iterable<ReplayInput>,
  sides: ReplaySides,
  options: ReplayOptions = {},
): Promise<ReplayReport> {
  const r = new Replayer(sides, options);
  for await (const input of events) {
    if (options.signal?.aborted) return r.report(true);
    r.push(input);
  }
  return r.report(options.signal?.aborted === true);
}
