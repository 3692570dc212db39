import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import {
  compilePolicies,
  ReplayDecoder,
  ReplayTally,
  SideRunner,
  SPILLED,
  SplitPlan,
  type Outcome,
  type PolicySource,
  type ReplayFinding,
  type ReplayReport,
} from '../../core/index';
import { readLines } from './lines';
import { SpillReader, SpillWriter, type SpilledBatch } from './spilled';
import { PARTS_KIND, partsWorker, replayParts, type PartsJob, type PartsOptions } from './parts';
import { longLineFinding, truncatedFinding, type EventsFile, type RunOptions } from './run';

/**
 * The replay on two threads, one per side, for policy sets the two stages cannot split (Preloop,
 * Agent Sentinel). The state of a side (budgets, rate windows, evidence)
 * depends on every event before, across agents and sessions, so cutting the stream into parts
 * would change results; the two sides, though, never share state. Each worker reads and decodes
 * the whole stream and decides for its side; this thread pairs their outcomes, batch by batch, into
 * the same tally the single-threaded run fills (docs/decisions/replay.md).
 */

const KIND = 'policylens-replay';
/** Lines per batch; both workers cut the stream at the same lines. */
const BATCH = 4096;
/** Batches a worker may run ahead of this thread before it waits (bounds memory). */
const AHEAD = 32;
/** Each worker's young generation, in MB (V8's default is larger and grows with allocation). */
const YOUNG_MB = 8;

interface Job {
  kind: typeof KIND;
  side: 0 | 1;
  /** The baseline's worker also sends what does not depend on the side: findings and agents. */
  primary: boolean;
  sources: PolicySource[];
  files: EventsFile[];
  /** Batches this thread has consumed, per side: a worker waits when it is too far ahead. */
  consumed: Int32Array;
}

interface Batch {
  type: 'batch';
  file: string;
  /** Lines that held something (events or not). */
  nonBlank: number;
  lines: Uint32Array;
  /** Each event's outcome: its number in the side's table, or `UNNUMBERED` (the next of `spilled`). */
  ids: Uint32Array;
  /** Outcomes first numbered in this batch, appended to the side's table. */
  outcomes: Outcome[];
  /** The outcomes the side's table did not number (it is full: core/replay/outcome.ts), in order. */
  spilled: SpilledBatch;
  /** Each event's agent, numbered in this batch's `agentNames`. */
  agents?: Uint32Array;
  /**
   * The agents of this batch. Numbered per batch, not once for the whole stream: a million agents
   * kept here and on this thread took 357 MB (two threads) where one thread took 148 MB.
   */
  agentNames?: (string | undefined)[];
  findings?: ReplayFinding[];
}

/** The id of an outcome posted as it is (`Batch.spilled`). */
const UNNUMBERED = 0xffffffff;

type Message = Batch | { type: 'end' } | { type: 'error'; message: string };

export function isReplayWorker(): boolean {
  const kind = (workerData as Partial<Job | PartsJob> | null)?.kind;
  return !isMainThread && (kind === KIND || kind === PARTS_KIND);
}

/** A worker's life: digest parts of the stream, or decide every event for one side. */
export function replayWorker(): void {
  if ((workerData as PartsJob).kind === PARTS_KIND) return partsWorker();
  const job = workerData as Job;
  work(job).then(
    () => parentPort?.postMessage({ type: 'end' } satisfies Message),
    (e: unknown) =>
      parentPort?.postMessage({ type: 'error', message: (e as Error).stack ?? String(e) } satisfies Message),
  );
}

async function work(job: Job): Promise<void> {
  const decoder = new ReplayDecoder();
  const runner = new SideRunner(compilePolicies(job.sources));
  let agentIds = new Map<string | undefined, number>();
  let sentOutcomes = 0;
  const spilled = new SpillWriter();
  let sent = 0;
  for (const f of job.files) {
    let nonBlank = 0;
    let count = 0;
    let lines: number[] = [];
    let ids: number[] = [];
    let agents: number[] = [];
    let findings: ReplayFinding[] = [];
    const flush = () => {
      const m: Batch = {
        type: 'batch',
        file: f.display,
        nonBlank,
        lines: Uint32Array.from(lines),
        ids: Uint32Array.from(ids),
        outcomes: runner.table.outcomes.slice(sentOutcomes),
        spilled: spilled.take(),
        ...(job.primary
          ? { agents: Uint32Array.from(agents), agentNames: [...agentIds.keys()], findings }
          : {}),
      };
      sentOutcomes = runner.table.outcomes.length;
      agentIds = new Map();
      const transfer = [
        m.lines.buffer,
        m.ids.buffer,
        m.spilled.codes.buffer,
        ...(m.agents ? [m.agents.buffer] : []),
      ] as ArrayBuffer[];
      parentPort?.postMessage(m, transfer);
      sent++;
      nonBlank = count = 0;
      lines = [];
      ids = [];
      agents = [];
      findings = [];
    };
    const end = await readLines(
      f.path,
      (text, line) => {
        const d = decoder.decode({ line, text, file: f.display });
        if (d) {
          nonBlank++;
          if (job.primary && d.findings) findings.push(...d.findings);
          if (d.event) {
            lines.push(line);
            const id = runner.run(d.event);
            if (id === SPILLED) {
              ids.push(UNNUMBERED);
              spilled.add(runner.table.spilled);
            } else ids.push(id);
            if (job.primary) {
              let a = agentIds.get(d.agent);
              if (a === undefined) agentIds.set(d.agent, (a = agentIds.size));
              agents.push(a);
            }
          }
        }
        if (++count === BATCH) flush();
      },
      (line, bytes) => {
        nonBlank++;
        if (job.primary) findings.push(longLineFinding(f, line, bytes));
        if (++count === BATCH) flush();
      },
      () => {
        // Too far ahead of the pairing thread: wait for it, so batches never pile up in memory.
        for (
          let c = Atomics.load(job.consumed, job.side);
          sent - c > AHEAD;
          c = Atomics.load(job.consumed, job.side)
        )
          Atomics.wait(job.consumed, job.side, c, 100);
      },
    );
    const cut = truncatedFinding(f, end);
    if (cut && job.primary) findings.push(cut);
    flush();
  }
}

/**
 * The replay on worker threads (`script`: the CLI's own bundle). Execlave policy sets are cut into
 * parts digested on `parts.workers` workers (parts.ts); others run one side per worker.
 */
export function replayThreaded(
  files: readonly EventsFile[],
  sides: { baseline: PolicySource[]; current: PolicySource[] },
  options: RunOptions,
  script: string,
  parts: PartsOptions = { workers: 2 },
): Promise<ReplayReport> {
  if (SplitPlan.of({ baseline: compilePolicies(sides.baseline), current: compilePolicies(sides.current) }))
    return replayParts(files, sides, options, script, parts);
  return replaySides(files, sides, options, script);
}

/** Runs the two sides on two workers and pairs their outcomes. */
function replaySides(
  files: readonly EventsFile[],
  sides: { baseline: PolicySource[]; current: PolicySource[] },
  options: RunOptions,
  script: string,
): Promise<ReplayReport> {
  const consumed = new Int32Array(new SharedArrayBuffer(8));
  const tally = new ReplayTally(options);
  const queues: Batch[][] = [[], []];
  const tables: Outcome[][] = [[], []];
  const spilled = [new SpillReader(), new SpillReader()];
  const workers = ([0, 1] as const).map(
    (side) =>
      new Worker(script, {
        // A side's heap holds one batch and its state: a small young generation keeps the
        // garbage of parsed lines from growing each worker's footprint (peak RSS, bench/analysis.md).
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB },
        workerData: {
          kind: KIND,
          side,
          primary: side === 0,
          sources: side === 0 ? sides.baseline : sides.current,
          files: [...files],
          consumed,
        } satisfies Job,
      }),
  );
  const pairUp = () => {
    while (queues[0].length && queues[1].length) {
      const b = queues[0].shift()!;
      const c = queues[1].shift()!;
      tables[0].push(...b.outcomes);
      tables[1].push(...c.outcomes);
      for (let i = 0; i < b.nonBlank; i++) tally.line();
      for (const f of b.findings ?? []) tally.finding(f);
      spilled[0].batch(b.spilled);
      spilled[1].batch(c.spilled);
      for (let i = 0; i < b.lines.length; i++)
        tally.pair(
          { line: b.lines[i], file: b.file },
          b.agentNames![b.agents![i]],
          b.ids[i] === UNNUMBERED ? spilled[0].next() : tables[0][b.ids[i]],
          c.ids[i] === UNNUMBERED ? spilled[1].next() : tables[1][c.ids[i]],
        );
      for (const side of [0, 1]) {
        Atomics.add(consumed, side, 1);
        Atomics.notify(consumed, side);
      }
    }
  };
  return new Promise<ReplayReport>((resolve, reject) => {
    let ended = 0;
    const fail = (e: Error) => {
      for (const w of workers) void w.terminate();
      reject(e);
    };
    workers.forEach((w, side) => {
      w.on('message', (m: Message) => {
        if (m.type === 'batch') {
          queues[side].push(m);
          pairUp();
        } else if (m.type === 'error') fail(new Error(`replay worker: ${m.message}`));
        else if (++ended === 2) {
          pairUp();
          void Promise.all(workers.map((x) => x.terminate())).then(() => resolve(tally.report()));
        }
      });
      w.on('error', fail);
    });
  });
}
