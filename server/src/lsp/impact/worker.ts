/**
 * The impact's replay on a worker thread of the server process, so that a large events file never
 * delays diagnostics, completion or hover on the server's own thread. The worker is this same
 * bundle (dist/server.js) started with `workerData` of {@link KIND}; main.ts sends it here instead of
 * starting a server. Cancelling terminates the worker: a replay holds nothing worth saving.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { URI } from 'vscode-uri';
import { longLineFinding, readLines, truncatedFinding } from '../../traffic/lines';
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

/**
 * Streams every file through the replay with the CLI's reader (server/src/traffic/lines.ts), so the
 * impact counts what `policylens replay` counts on the same files: memory stays flat whatever the
 * files' size, a line past the reader's bound is `replay/line-too-long` (it was held whole: a line of
 * 50 MB took the server to 261 MB), a file that stops early is `replay/truncated-input`.
 */
export async function runJobFromDisk(job: ImpactJob): Promise<ImpactRun> {
  const replay = new VariantReplay(job);
  for (const f of job.files) {
    const file = { path: URI.parse(f.uri).fsPath, display: f.display };
    try {
      const end = await readLines(
        file.path,
        (text, line) => replay.push({ line, text, file: f.display }),
        (line, bytes) => replay.finding(longLineFinding(file, line, bytes), true),
      );
      const cut = truncatedFinding(file, end);
      if (cut) replay.finding(cut, false);
    } catch (e) {
      // Only opening a file throws (a failure midway is the finding above).
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      return { reports: {}, error: `cannot read ${f.display}: ${code}` };
    }
  }
  return { reports: replay.reports() };
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
