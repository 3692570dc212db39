import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The bound: no input may make a Policy Lens process use more memory than this. */
export const PEAK_LIMIT_MB = 300;

let serial = 0;

/**
 * Node arguments that make a child process write its peak resident set size (the whole process,
 * worker threads included: `process.resourceUsage().maxRSS`, in KiB) to a file when it exits,
 * and a reader for that file. The preload is a data URL, so the child needs no file of ours, and
 * it writes nothing to stdout or stderr, which the tests compare.
 */
export function peakRecorder(dir = tmpdir()): { nodeArgs: string[]; readMb(): number } {
  const file = join(dir, `policylens-peak-${process.pid}-${++serial}.txt`);
  const preload =
    'import { writeFileSync } from "node:fs"; import { isMainThread } from "node:worker_threads";' +
    `if (isMainThread) process.on("exit", () => writeFileSync(${JSON.stringify(file)}, String(process.resourceUsage().maxRSS)));`;
  return {
    nodeArgs: ['--import', `data:text/javascript,${encodeURIComponent(preload)}`],
    readMb() {
      let kib: number;
      try {
        kib = Number(readFileSync(file, 'utf8'));
      } catch {
        throw new Error('the process wrote no peak memory (it did not exit normally)');
      }
      rmSync(file, { force: true });
      return Math.round(kib / 1024);
    },
  };
}

/** The peak resident set size of a running process so far (`VmHWM`), in MiB. */
export function peakOfRunningMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Math.round(Number(kib) / 1024);
}
