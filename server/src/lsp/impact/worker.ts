/**
 * The impact's replay on a worker thread of the server process, so that a large events file never
 * delays diagnostics, completion or hover on the server's own thread. The worker is this same
 * bundle (dist/server.js) started with `workerData` of {@link KIND}; main.ts sends it here instead of
 * starting a server. Cancelling terminates the worker: a replay holds nothing worth saving.
 */
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { URI } from 'vscode-uri';
import { VariantReplay, type ImpactJob, type ImpactRun } from './job';

const KIND = 'policylens-impact';

interface WorkerInput {
  kind: typeof KIND;
  job: ImpactJob;
}

/**
 * The argument a replay worker is started with: main.ts reads it in `process.argv` before asking
 * {@link isImpactWorker}, so that a server's start never loads `worker_threads` to learn it is none.
 */
export const IMPACT_WORKER_ARG = '--policylens-impact-worker';

export function isImpactWorker(): boolean {
  return !isMainThread && (workerData as Partial<WorkerInput> | null)?.kind === KIND;
}

function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** Streams every file through the replay: memory stays flat whatever the files' size. */
export async function runJobFromDisk(job: ImpactJob): Promise<ImpactRun> {
  const replay = new VariantReplay(job);
  const warnings: string[] = [];
  for (const f of job.files) {
    const path = URI.parse(f.uri).fsPath;
    let stream: Readable;
    try {
      stream = createReadStream(path, { highWaterMark: 1 << 20 });
      if (isGzip(path)) stream = stream.pipe(createGunzip());
    } catch (e) {
      return { reports: {}, error: `cannot read ${f.display}: ${(e as NodeJS.ErrnoException).code ?? e}` };
    }
    let line = 0;
    try {
      const lines = createInterface({ input: stream, crlfDelay: Infinity });
      // A gzip that fails midway errors the gunzip stream, which readline does not forward.
      const failed = new Promise<never>((_, reject) => stream.once('error', reject));
      failed.catch(() => undefined);
      const iterator = lines[Symbol.asyncIterator]();
      for (;;) {
        const next = await Promise.race([iterator.next(), failed]);
        if (next.done) break;
        line++;
        replay.push({ line, text: next.value, file: f.display });
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (line === 0 && (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR'))
        return { reports: {}, error: `cannot read ${f.display}: ${code}` };
      warnings.push(`${f.display}: reading stopped after line ${line}: ${(e as Error).message}`);
    }
  }
  return { reports: replay.reports(), ...(warnings.length ? { warnings } : {}) };
}

/** The worker's life: run the job, post the result, end. */
export function impactWorkerMain(): void {
  const { job } = workerData as WorkerInput;
  runJobFromDisk(job).then(
    (run) => parentPort?.postMessage(run),
    (e: unknown) => parentPort?.postMessage({ reports: {}, error: String((e as Error).message ?? e) }),
  );
}

/** Heap of a worker, in MB: a replay's report is small, and a runaway must not take the editor down. */
const WORKER_HEAP_MB = 256;

/**
 * Runs a job on a worker thread started from `script` (the running bundle). Aborting terminates the
 * worker and resolves with `cancelled`; a worker that dies resolves with its error, never throws.
 */
export function runInWorker(
  script: string,
  job: ImpactJob,
  signal: AbortSignal,
): Promise<ImpactRun & { cancelled?: true }> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve({ reports: {}, cancelled: true });
    let done = false;
    const finish = (run: ImpactRun & { cancelled?: true }) => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      resolve(run);
    };
    const worker = new Worker(script, {
      workerData: { kind: KIND, job } satisfies WorkerInput,
      argv: [IMPACT_WORKER_ARG],
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      stdout: true,
      stderr: true,
    });
    const onAbort = () => finish({ reports: {}, cancelled: true });
    signal.addEventListener('abort', onAbort);
    worker.once('message', (run: ImpactRun) => finish(run));
    worker.once('error', (e) => finish({ reports: {}, error: `the replay worker failed: ${e.message}` }));
    worker.once('exit', (code) =>
      finish({ reports: {}, error: `the replay worker exited (${code}) before it answered` }),
    );
  });
}
