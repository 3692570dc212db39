import type { Runtime } from './runtime';

/**
 * One timer per key on the server's clock: scheduling a key again replaces its pending run, so a
 * burst of edits or file events for one URI runs the work once, after the last of them.
 */
export class Debouncer {
  private readonly pending = new Map<string, unknown>();

  constructor(private readonly runtime: Runtime) {}

  schedule(key: string, ms: number, run: () => void): void {
    this.cancel(key);
    this.pending.set(
      key,
      this.runtime.setTimeout(() => {
        this.pending.delete(key);
        run();
      }, ms),
    );
  }

  /** Drops the key's pending run, if any. */
  cancel(key: string): void {
    const old = this.pending.get(key);
    if (old !== undefined) this.runtime.clearTimeout(old);
    this.pending.delete(key);
  }
}
