import type { Runtime } from './runtime';

/**
 * How long one slice of background work (the workspace scan, a costly analysis) may hold the thread
 * before the messages that arrived meanwhile are handled: completion, hover and the open document's
 * diagnostics then wait a few ms at most.
 */
export const SLICE_MS = 4;

/**
 * Lets the messages that arrived meanwhile be handled before background work goes on. vscode-jsonrpc
 * reads a message from the socket in the poll phase and handles it from a `setImmediate`, which is
 * queued after the one this work awaits: resuming at once would run one more slice before the
 * request. Yielding a second time puts the next slice behind the requests already read, so they are
 * answered first (requests before background work; the open document's diagnostics run from timers,
 * which come first in every turn of the loop).
 */
export async function giveWay(runtime: Pick<Runtime, 'yieldToEvents'>): Promise<void> {
  const { yieldToEvents } = runtime;
  if (!yieldToEvents) return;
  await yieldToEvents();
  await yieldToEvents();
}

/**
 * A loop of background work cut into time-budgeted slices: `due()` says when the slice's budget is
 * spent, `next()` gives way and starts the next slice. Bounding by time rather than by a count of
 * files keeps a slice short on a slow or loaded machine and on large files alike.
 */
export class Slices {
  private start: number;

  constructor(
    private readonly runtime: Pick<Runtime, 'now' | 'yieldToEvents'>,
    private readonly budgetMs = SLICE_MS,
  ) {
    this.start = runtime.now();
  }

  /** Whether this slice has used its budget. */
  due(): boolean {
    return this.runtime.now() - this.start >= this.budgetMs;
  }

  /** Gives way (see `giveWay`) and starts a new slice. */
  async next(): Promise<void> {
    await giveWay(this.runtime);
    this.start = this.runtime.now();
  }

  /** Gives way when the budget is spent: await it between two units of work. */
  async check(): Promise<void> {
    if (this.due()) await this.next();
  }
}

/**
 * The pause of background work that the user did not ask for (the workspace scan, the server's own
 * file watching): await it between two units of work. When the slice's budget is spent it waits
 * for a quiet editor (`whenQuiet`: no diagnostics run pending or scheduled, no completion or hover
 * for a moment), then gives way and starts a new slice.
 */
export function backgroundPause(
  runtime: Pick<Runtime, 'now' | 'yieldToEvents'>,
  whenQuiet: () => Promise<void>,
): () => Promise<void> {
  const slices = new Slices(runtime);
  return async () => {
    if (!slices.due()) return;
    await whenQuiet();
    await slices.next();
  };
}
