/**
 * One replay of the impact: the recorded events through the live org as it is (the baseline) and
 * through several variants of it, each with one pending change applied. The baseline is decided
 * once per event and each variant beside it, so N pending changes cost N + 1 evaluations per event
 * rather than 2N. Plain data in and out: the job is posted to a worker thread, the result back.
 */
import {
  compilePolicies,
  ReplayDecoder,
  ReplayTally,
  SideRunner,
  type PolicySource,
  type ReplayFinding,
  type ReplayInput,
  type ReplayReport,
} from '../../core/index';

export interface ImpactJob {
  /** The events files, by URI, and as the messages name them (workspace-relative). */
  files: { uri: string; display: string }[];
  baseline: PolicySource[];
  variants: { id: string; sources: PolicySource[] }[];
  /** Examples kept per decision change. */
  examples: number;
}

export interface ImpactRun {
  /** One report per variant id. */
  reports: Record<string, ReplayReport>;
  /** Why the events could not be replayed (a file that cannot be read): no report is then valid. */
  error?: string;
}

/** The multi-variant replay, pushed one line at a time. */
export class VariantReplay {
  private readonly decoder = new ReplayDecoder();
  private readonly baseline: SideRunner;
  private readonly variants: { id: string; runner: SideRunner; tally: ReplayTally }[];

  constructor(job: Pick<ImpactJob, 'baseline' | 'variants' | 'examples'>) {
    this.baseline = new SideRunner(compilePolicies(job.baseline));
    this.variants = job.variants.map((v) => ({
      id: v.id,
      runner: new SideRunner(compilePolicies(v.sources)),
      tally: new ReplayTally({ examples: job.examples, maxFindings: 20 }),
    }));
  }

  push(input: ReplayInput): void {
    const d = this.decoder.decode(input);
    if (!d) return;
    for (const v of this.variants) {
      v.tally.line();
      if (d.findings) for (const f of d.findings) v.tally.finding(f);
    }
    if (!d.event) return;
    // `get`, not `outcomes[id]`: past the table's limit an outcome comes as SPILLED, held by the
    // table until its next call (each side has a table of its own).
    const before = this.baseline.table.get(this.baseline.run(d.event));
    for (const v of this.variants)
      v.tally.pair(d, d.agent, before, v.runner.table.get(v.runner.run(d.event)));
  }

  /** A finding of the reader (a line too long to read, a file cut short); `line`: it is a line. */
  finding(f: ReplayFinding, line: boolean): void {
    for (const v of this.variants) {
      if (line) v.tally.line();
      v.tally.finding(f);
    }
  }

  reports(): Record<string, ReplayReport> {
    return Object.fromEntries(this.variants.map((v) => [v.id, v.tally.report()]));
  }
}

/** Splits a text into JSON Lines inputs (the in-thread runner reads whole files). */
export function* linesOf(text: string, file: string): Iterable<ReplayInput> {
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    const raw = text.slice(start, end);
    if (end === text.length && raw === '') break;
    yield { line, text: raw.endsWith('\r') ? raw.slice(0, -1) : raw, file };
    start = end + 1;
  }
}
