import { parentPort, Worker, workerData } from 'node:worker_threads';
import {
  Combiner,
  compilePolicies,
  Digester,
  newDigest,
  ReplayTally,
  SplitPlan,
  type Digest,
  type EvalEvent,
  type PolicySource,
  type ReplayFinding,
  type ReplayReport,
} from '../../core/index';
import { readParts } from './lines';
import { longLineFinding, truncatedFinding, type EventsFile, type RunOptions } from './run';

/**
 * The replay on several threads, for Execlave policy sets (docs/decisions/replay.md, "Speed"):
 * this thread reads the files and cuts them into parts at line ends; the workers digest the parts
 * (decode each line once, work out every verdict that needs no state: core/replay/split.ts), in
 * any order; this thread combines the digests in file order (the chain, budgets and rate windows:
 * core/replay/combine.ts), into the same report as one thread.
 */

export const PARTS_KIND = 'policylens-replay-parts';

export interface PartsJob {
  kind: typeof PARTS_KIND;
  baseline: PolicySource[];
  current: PolicySource[];
}

interface Part {
  seq: number;
  bytes: Uint8Array;
}

/** A digested part: one row per line that held something, in columns (posted without copying). */
interface Digested {
  seq: number;
  /** Lines in the part, blank ones included. */
  lines: number;
  line: Uint32Array;
  /** Bit 1: an event; bit 2: handed over whole (`full`). */
  flags: Uint8Array;
  clock: Float64Array;
  cost: Float64Array;
  /** 0: no agent; n: the part's n-th agent name. */
  agent: Uint32Array;
  codes: Uint8Array;
  /**
   * The part's agent names, numbered from 1 in each part: numbered once for the whole stream, a
   * million agents were kept on every worker and on this thread.
   */
  agents: string[];
  findings: { row: number; findings: ReplayFinding[] }[];
  full: { row: number; event: EvalEvent }[];
}

/** A worker's life: digest each part it is sent, post the columns back. */
export function partsWorker(): void {
  const job = workerData as PartsJob;
  const plan = SplitPlan.of({
    baseline: compilePolicies(job.baseline),
    current: compilePolicies(job.current),
  });
  if (!plan) throw new Error('replay parts: a policy set the two stages cannot split');
  const digester = new Digester(plan);
  const d = newDigest(plan.width);
  parentPort?.on('message', ({ seq, bytes }: Part) => {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    digester.restart();
    const agentIds = new Map<string, number>();
    // Rows: at most one per line.
    let rows = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) rows++;
    const out: Digested = {
      seq,
      lines: 0,
      line: new Uint32Array(rows),
      flags: new Uint8Array(rows),
      clock: new Float64Array(rows),
      cost: new Float64Array(rows),
      agent: new Uint32Array(rows),
      codes: new Uint8Array(rows * plan.width),
      agents: [],
      findings: [],
      full: [],
    };
    let row = 0;
    let line = 0;
    const take = (s: string) => {
      line++;
      if (!digester.digest({ line, text: s.endsWith('\r') ? s.slice(0, -1) : s }, d)) return;
      out.line[row] = line;
      out.flags[row] = (d.event ? 1 : 0) | (d.full ? 2 : 0);
      out.clock[row] = d.clockMs;
      out.cost[row] = d.cost;
      if (d.agent !== undefined) {
        let a = agentIds.get(d.agent);
        if (a === undefined) {
          agentIds.set(d.agent, (a = agentIds.size + 1));
          out.agents.push(d.agent);
        }
        out.agent[row] = a;
      }
      if (d.event && !d.full) out.codes.set(d.codes, row * plan.width);
      if (d.findings) out.findings.push({ row, findings: d.findings });
      if (d.full) out.full.push({ row, event: d.full });
      row++;
    };
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      take(text.slice(start, nl));
      start = nl + 1;
    }
    // Only a file's last part ends without a line end: its last line, when it holds anything.
    if (start < text.length) take(text.slice(start));
    out.lines = line;
    const cut = (a: Uint32Array | Uint8Array | Float64Array, n: number) => a.subarray(0, n);
    const m: Digested = {
      ...out,
      line: cut(out.line, row) as Uint32Array,
      flags: cut(out.flags, row) as Uint8Array,
      clock: cut(out.clock, row) as Float64Array,
      cost: cut(out.cost, row) as Float64Array,
      agent: cut(out.agent, row) as Uint32Array,
      codes: cut(out.codes, row * plan.width) as Uint8Array,
    };
    parentPort?.postMessage(m, [
      m.line.buffer,
      m.flags.buffer,
      m.clock.buffer,
      m.cost.buffer,
      m.agent.buffer,
      m.codes.buffer,
    ] as ArrayBuffer[]);
  });
}

export interface PartsOptions {
  workers: number;
  /** Bytes per part (the default, 128 KB, is about 500 lines of recorded traffic). */
  partBytes?: number;
}

/** Parts of 256 KB took the peak RSS of a million events from 160 MB to 210 MB, for no speed. */
const PART_BYTES = 1 << 17;
/** Each worker's young generation, in MB: small, so the garbage of parsed lines stays small. */
const YOUNG_MB = 8;

/** Runs the replay on `workers` workers (`script`: the CLI's own bundle), combining here. */
export async function replayParts(
  files: readonly EventsFile[],
  sides: { baseline: PolicySource[]; current: PolicySource[] },
  options: RunOptions,
  script: string,
  parts: PartsOptions,
): Promise<ReplayReport> {
  const compiled = { baseline: compilePolicies(sides.baseline), current: compilePolicies(sides.current) };
  const plan = SplitPlan.of(compiled);
  if (!plan) throw new Error('replay parts: a policy set the two stages cannot split');
  const tally = new ReplayTally(options);
  const combiner = new Combiner(plan, compiled, tally);
  const d = newDigest(plan.width);
  const workers = Array.from(
    { length: parts.workers },
    () =>
      new Worker(script, {
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB },
        workerData: { kind: PARTS_KIND, ...sides } satisfies PartsJob,
      }),
  );
  const done = new Map<number, Digested>();
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const poke = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  workers.forEach((w) => {
    w.on('message', (m: Digested) => {
      done.set(m.seq, m);
      poke();
    });
    w.on('error', (e) => {
      failure ??= new Error(`replay worker: ${e.stack ?? String(e)}`);
      poke();
    });
  });
  const wait = () =>
    new Promise<void>((r) => {
      wake = r;
    });

  let sent = 0;
  let combined = 0;
  /** Combines the parts that are back, in order; the lines of the file so far. */
  let base = 0;
  let file: EventsFile | undefined;
  const combineReady = () => {
    for (let next = done.get(combined); next; next = done.get(combined)) {
      done.delete(combined);
      combined++;
      unpack(next, base, d, (x) => combiner.consume(x, file!.display));
      base += next.lines;
    }
  };
  /** Waits until at most `max` parts are out, combining those that come back. */
  const drain = async (max: number) => {
    for (;;) {
      if (failure) throw failure;
      combineReady();
      if (sent - combined <= max) return;
      await wait();
    }
  };
  try {
    for (const f of files) {
      file = f;
      base = 0;
      const end = await readParts(
        f.path,
        parts.partBytes ?? PART_BYTES,
        async (bytes) => {
          // At most two parts per worker out at a time: memory stays flat whatever the file's size.
          await drain(2 * workers.length - 1);
          workers[sent % workers.length].postMessage({ seq: sent, bytes } satisfies Part, [
            bytes.buffer as ArrayBuffer,
          ]);
          sent++;
        },
        // A line too long to read is a part of one line, digested here: its finding, in its place.
        async (bytes) => {
          done.set(sent++, longPart(longLineFinding(undefined, 1, bytes)));
          await drain(2 * workers.length - 1);
        },
      );
      await drain(0);
      const cut = truncatedFinding(f, { ...end, lines: base });
      if (cut) tally.finding(cut);
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return tally.report();
}

/** The digest of a part that is one line too long to read: no event, one finding. */
function longPart(finding: ReplayFinding): Digested {
  return {
    seq: -1,
    lines: 1,
    line: Uint32Array.of(1),
    flags: Uint8Array.of(0),
    clock: Float64Array.of(Number.NaN),
    cost: Float64Array.of(0),
    agent: Uint32Array.of(0),
    codes: new Uint8Array(0),
    agents: [],
    findings: [{ row: 0, findings: [finding] }],
    full: [],
  };
}

/** Feeds a digested part's rows to the second stage, with line numbers counted from `base`. */
function unpack(m: Digested, base: number, d: Digest, consume: (d: Digest) => void): void {
  const width = d.codes.length;
  let f = 0;
  let x = 0;
  for (let row = 0; row < m.line.length; row++) {
    d.line = base + m.line[row];
    d.event = (m.flags[row] & 1) !== 0;
    d.clockMs = m.clock[row];
    d.cost = m.cost[row];
    d.agent = m.agent[row] ? m.agents[m.agent[row] - 1] : undefined;
    d.findings = undefined;
    if (f < m.findings.length && m.findings[f].row === row) {
      d.findings = m.findings[f++].findings;
      for (const finding of d.findings) finding.line += base;
    }
    d.full = undefined;
    if (x < m.full.length && m.full[x].row === row) d.full = m.full[x++].event;
    if (d.event && !d.full) d.codes.set(m.codes.subarray(row * width, (row + 1) * width));
    consume(d);
  }
}
