import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { lintOne, type LintedFile } from './one';

/**
 * Lints files on several threads. The files are cut into batches, and every thread (the main one
 * included) takes the next batch from one shared counter until none is left. A worker that starts
 * late simply takes fewer batches, so a small run is not slowed down by waiting for workers, and a
 * large one keeps every core busy. A worker that fails loses nothing: the main thread lints the
 * batches it never delivered.
 */

/** Files per batch: large enough that messages are rare, small enough to balance the threads. */
const BATCH = 40;
/** Below this many files per extra thread, a worker costs more to start than it saves. */
const FILES_PER_WORKER = 300;
/** More threads than this only add start-up and memory for a task that is mostly parsing. */
const MAX_THREADS = 4;

const KIND = 'policylens-lint';

interface Job {
  kind: typeof KIND;
  files: string[];
  /** The dialect each file is forced to (by --dialect or the project's config), if any. */
  dialects: (string | undefined)[];
  /** Whether the walk saw each file as a regular file (`readPolicyText`). */
  regular: boolean[];
  counter: Int32Array;
}

type Message = { batch: number; results: LintedFile[] };

/**
 * How many threads to use: `auto` (the default) scales with the file count and the cores; a
 * number is taken as given (1 means the main thread alone). Auto counts two cores per thread: a
 * single linting thread already keeps a second core about half busy with V8's background work
 * (optimising compiler, concurrent GC), and on a 2-core machine a worker measured no faster, only
 * 30% more CPU (docs/decisions/cli.md).
 */
export function threadsFor(
  files: number,
  requested: number | 'auto',
  cores = availableParallelism(),
): number {
  if (requested !== 'auto') return Math.max(1, Math.floor(requested));
  const byFiles = 1 + Math.floor(files / FILES_PER_WORKER);
  return Math.max(1, Math.min(Math.floor(cores / 2), MAX_THREADS, byFiles));
}

function claim(counter: Int32Array, total: number): number | undefined {
  const b = Atomics.add(counter, 0, 1);
  return b < total ? b : undefined;
}

function lintBatch(
  files: readonly string[],
  batch: number,
  dialects: readonly (string | undefined)[],
  regular: readonly boolean[],
): LintedFile[] {
  const out: LintedFile[] = [];
  for (let i = batch * BATCH; i < Math.min(files.length, (batch + 1) * BATCH); i++)
    out.push(lintOne(files[i], dialects[i], regular[i]));
  return out;
}

/**
 * Lints `files` (absolute paths) on `threads` threads and returns the results in the files' order.
 * `script` is the bundle the workers run (the CLI's own file); without one, everything runs here.
 * `regular` says which files the walk saw as regular files (read without a stat first). Each result
 * goes through `keep` (with the file's place in `files`) as soon as it is here, so that the caller
 * decides what of it to hold before the next batch comes.
 */
export async function lintAll(
  files: readonly string[],
  dialects: readonly (string | undefined)[],
  threads: number,
  script: string | undefined,
  regular: readonly boolean[] = [],
  keep: (linted: LintedFile, i: number) => LintedFile = (l) => l,
): Promise<LintedFile[]> {
  const kept = (batch: number, linted: LintedFile[]) => linted.map((l, j) => keep(l, batch * BATCH + j));
  const total = Math.ceil(files.length / BATCH);
  const results: (LintedFile[] | undefined)[] = new Array<LintedFile[] | undefined>(total);
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const workers: Worker[] = [];
  const delivered: Promise<void>[] = [];
  if (script && threads > 1 && total > 1) {
    const job: Job = {
      kind: KIND,
      files: [...files],
      dialects: [...dialects],
      regular: [...regular],
      counter,
    };
    for (let i = 1; i < threads; i++) {
      const w = new Worker(script, { workerData: job });
      workers.push(w);
      delivered.push(
        new Promise<void>((resolve) => {
          w.on('message', (m: Message) => {
            results[m.batch] = kept(m.batch, m.results);
          });
          // Whatever way the worker ends (finished, failed, terminated), its part is settled: the
          // batches it did not deliver are linted below.
          w.on('error', () => resolve());
          w.on('exit', () => resolve());
        }),
      );
    }
  }
  for (let b = claim(counter, total); b !== undefined; b = claim(counter, total))
    results[b] = kept(b, lintBatch(files, b, dialects, regular));
  // Every batch is claimed now. Wait for the workers' batches, unless this thread did them all.
  if (results.some((r) => r === undefined)) await Promise.all(delivered);
  await Promise.all(workers.map((w) => w.terminate()));
  const out: LintedFile[] = [];
  for (let b = 0; b < total; b++)
    out.push(...(results[b] ?? kept(b, lintBatch(files, b, dialects, regular))));
  return out;
}

/** True in a thread started by `lintAll`; main.ts then runs `lintWorker` instead of the CLI. */
export function isLintWorker(): boolean {
  return !isMainThread && (workerData as Partial<Job> | null)?.kind === KIND;
}

/** A worker's life: take batches until none is left, send each one's results, then end. */
export function lintWorker(): void {
  const job = workerData as Job;
  const total = Math.ceil(job.files.length / BATCH);
  for (let b = claim(job.counter, total); b !== undefined; b = claim(job.counter, total)) {
    const message: Message = { batch: b, results: lintBatch(job.files, b, job.dialects, job.regular) };
    parentPort?.postMessage(message);
  }
}
