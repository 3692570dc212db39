/**
 * The times of a rate window (an Execlave policy's requests, an Agent Sentinel action's calls), in
 * ascending order, as a view `[start, end)` of a list that successive states share. The evaluator
 * never changes a state it was given, and copying the window at every event made a sequence of n
 * events in one window cost n² (20,000 requests in an hour: 23.5 s of `eval`): the next state now
 * appends to the same list when it is the last to have done so, and drops the expired times by
 * moving `start`. A state that is not the list's tip (an earlier state evaluated again) gets a copy.
 */
export class TimeLog {
  constructor(
    readonly times: number[],
    readonly start: number,
    readonly end: number,
  ) {}

  /** As plain data (a fixture, a log): the times in the window, as the state held them before. */
  toJSON(): number[] {
    return this.times.slice(this.start, this.end);
  }
}

/** The first index in `[from, to)` whose time is greater than `t`. */
function after(times: readonly number[], t: number, from: number, to: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The log with the times up to `expired` dropped and `at` recorded. */
export function record(log: TimeLog | undefined, expired: number, at: number): TimeLog {
  if (!log) return new TimeLog([at], 0, 1);
  const { times, end } = log;
  const start = after(times, expired, log.start, end);
  const live = end - start;
  // The tip of the list, in order, and not mostly expired entries: shared.
  if (times.length === end && (live === 0 || times[end - 1] <= at) && start <= Math.max(1024, live)) {
    times.push(at);
    return new TimeLog(times, start, end + 1);
  }
  // An earlier state, a time out of order, or a list to compact: a copy, in order.
  const copy = times.slice(start, end);
  copy.splice(after(copy, at, 0, copy.length), 0, at);
  return new TimeLog(copy, 0, copy.length);
}

/** How many times are in `(from, to]`. */
export function countIn(log: TimeLog | undefined, from: number, to: number): number {
  if (!log) return 0;
  return after(log.times, to, log.start, log.end) - after(log.times, from, log.start, log.end);
}

/** The earliest time in `(from, to]`, if any. */
export function firstIn(log: TimeLog | undefined, from: number, to: number): number | undefined {
  if (!log) return undefined;
  const i = after(log.times, from, log.start, log.end);
  return i < log.end && log.times[i] <= to ? log.times[i] : undefined;
}
