// Reads a process's CPU time and peak memory from /proc, the only way to measure the server
// itself rather than the driver that talks to it. Linux only; elsewhere the numbers are absent.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User + system CPU time of the whole process (all threads), in milliseconds; NaN if unreadable. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses, so fields are counted after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / clockTicks();
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time of this process's waited-for children (cutime + cstime of /proc/self/stat), in ms. The
 * difference around one child's run is that child's user + system time, a number the machine's
 * load barely moves, unlike its wall time.
 */
export function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / clockTicks();
  } catch {
    return Number.NaN;
  }
}

/** Peak resident set size (VmHWM) in kilobytes; NaN if unreadable. */
export function peakRssKb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long a process must use no CPU to count as idle; the quick run shortens it. */
let defaultQuietMs = 300;
export function setDefaultQuietMs(ms: number): void {
  defaultQuietMs = ms;
}

/**
 * Waits until the process has used no CPU for `quietMs`, so background work (indexing a workspace,
 * a pending debounce) does not leak into the next measurement. Gives up after `timeoutMs`.
 */
export async function waitIdle(pid: number, quietMs = defaultQuietMs, timeoutMs = 120_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let last = cpuMs(pid);
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await sleep(50);
    const now = cpuMs(pid);
    if (Number.isNaN(now)) return false;
    if (now !== last) {
      last = now;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= quietMs) return true;
  }
  return false;
}
