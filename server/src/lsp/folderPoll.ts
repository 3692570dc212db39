import type { FileSystem, Runtime } from './runtime';

/** How often the folders past the watch bound are looked at, and how many of them each time. */
const POLL_INTERVAL_MS = 500;
const POLL_BATCH = 100;

type Entries = NonNullable<FileSystem['folderEntries']>;

/**
 * The folders the server cannot watch (past its bound of inotify watches), looked at in turn: each
 * round reads up to `POLL_BATCH` of them, round robin, and reports every name that appeared, went
 * away or (for a file `stamp` accepts) changed its time or size since the folder was last read, as
 * a watch would have. The pace is bounded, not by the workspace: 200 folders a second at most, so
 * a change in one of 20,000 polled folders is seen within 100 s, one in 1,000 within 5 s. Each
 * folder's turn is a listing and a stat of each of its YAML/JSON files, so a folder of thousands of
 * such files costs that many stats at its turn.
 */
export class FolderPoll {
  /** What each folder held when last read (undefined: not read yet, nothing to compare with). */
  private readonly seen = new Map<string, Map<string, string> | undefined>();
  private order: string[] = [];
  private cursor = 0;
  private timer: unknown;

  constructor(
    private readonly runtime: Pick<Runtime, 'setTimeout'>,
    private readonly entries: Entries,
    private readonly stamp: (uri: string) => boolean,
    private readonly changed: (uri: string) => void,
    private readonly pause: () => Promise<void>,
    private readonly limit: number,
  ) {}

  get size(): number {
    return this.seen.size;
  }

  has(folder: string): boolean {
    return this.seen.has(folder);
  }

  /**
   * Polls `folder` from now on (false once `limit` folders are polled). A `fresh` folder (one that
   * just appeared) is compared with nothing at its first read, so what it holds by then is reported;
   * a folder the scan has read is compared with its first read.
   */
  add(folder: string, fresh: boolean): boolean {
    if (this.seen.has(folder)) return true;
    if (this.seen.size >= this.limit) return false;
    this.seen.set(folder, fresh ? new Map() : undefined);
    this.order.push(folder);
    this.timer ??= this.runtime.setTimeout(() => void this.round(), POLL_INTERVAL_MS);
    return true;
  }

  /**
   * Reads every folder not read yet, so that what changes from now on is compared with what it
   * held now (the watching's start awaits it: a policy written just after would otherwise be in
   * the folder's first read, taken as what was always there).
   */
  async prime(): Promise<void> {
    for (const [folder, before] of this.seen) {
      if (before) continue;
      const now = await this.entries(folder, this.stamp);
      await this.pause();
      if (now && this.seen.has(folder) && !this.seen.get(folder)) this.seen.set(folder, now);
    }
  }

  /** Stops polling `uri` and every folder under it (they went away). */
  removeUnder(uri: string): void {
    const under = (folder: string) => folder === uri || folder.startsWith(`${uri}/`);
    for (const folder of this.seen.keys()) if (under(folder)) this.seen.delete(folder);
    this.order = this.order.filter((f) => this.seen.has(f));
  }

  private async round(): Promise<void> {
    for (let n = 0; n < POLL_BATCH && n < this.order.length; n++) {
      if (this.cursor >= this.order.length) this.cursor = 0;
      const folder = this.order[this.cursor++];
      if (!this.seen.has(folder)) continue;
      const now = await this.entries(folder, this.stamp);
      await this.pause();
      if (!this.seen.has(folder)) continue;
      if (!now) {
        this.removeUnder(folder);
        this.changed(folder);
        continue;
      }
      const before = this.seen.get(folder);
      this.seen.set(folder, now);
      if (!before) continue;
      for (const [uri, stamp] of now) if (before.get(uri) !== stamp) this.changed(uri);
      for (const uri of before.keys()) if (!now.has(uri)) this.changed(uri);
    }
    this.timer = this.seen.size
      ? this.runtime.setTimeout(() => void this.round(), POLL_INTERVAL_MS)
      : undefined;
  }
}
