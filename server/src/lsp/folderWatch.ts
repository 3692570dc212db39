import { FileChangeType, type FileEvent } from 'vscode-languageserver';
import type { ServerContext } from './context';
import { Debouncer } from './debounce';
import { FolderPoll } from './folderPoll';
import { isYamlOrJsonName } from './settings';
import { backgroundPause } from './slices';

/**
 * At most this many folders are watched by the server itself (each is one inotify watch, of the
 * user's 8,192 on older kernels, shared with every other program); the folders past it are polled.
 */
export const MAX_WATCHED_FOLDERS = 1024;
/** At most this many folders are polled past the watched ones; a workspace beyond is not followed. */
export const MAX_POLLED_FOLDERS = 20_000;
/** Editors write a file in several steps (truncate, write, rename): one event per burst. */
const WATCH_DEBOUNCE_MS = 100;

/**
 * A name the workspace scan never reads under: hidden files and folders (`.git`; `.gitignore`
 * aside) and `node_modules`. Only the name a watch reports is looked at: the workspace itself may
 * lie under a hidden folder (`~/.local/src/…`).
 */
const SKIPPED = /^(\.(?!gitignore$).*|node_modules)$/;

/**
 * For a client that cannot be asked to watch files (Neovim 0.7): the server watches the workspace
 * folders and every folder under them (the listing skips `node_modules` and hidden folders such as
 * `.git`), and turns what changes into the same events a client would send. The folders that hold
 * YAML or JSON files, and those between them and their workspace folder, are watched first, then
 * the others breadth first, up to `MAX_WATCHED_FOLDERS`; past it, folders are polled (folderPoll.ts).
 * Only the folders with policy files were watched before, so a policy written into `docs/`, which
 * held none, was never read until a restart, nor anything past the 256th folder.
 *
 * A watch sees the names in its own folder only, so a folder created (or moved in) under a watched
 * one is looked into when its name comes: it is watched in turn, and each YAML/JSON file in it
 * (and its subfolders) is reported as created. A name that went away is reported as deleted,
 * whatever it named: the file-event door lets the deletion of a known folder through, and the index
 * drops what it held (a folder moved out, or renamed). The server watched only the folders listed
 * at the start, so such a folder's bundles stayed in the index under their old path until a
 * restart, and a new folder's were never read.
 */
export class FolderWatch {
  private readonly watchers = new Map<string, { close(): void }>();
  private readonly runs: Debouncer;
  private full = false;
  private readonly pause: () => Promise<void>;
  private readonly poll: FolderPoll | undefined;

  constructor(
    private readonly ctx: ServerContext,
    private readonly watchFolder: NonNullable<ServerContext['runtime']['fs']['watchFolder']>,
  ) {
    this.runs = new Debouncer(ctx.runtime);
    // Listings wait for a quiet editor between slices, as the workspace scan does.
    this.pause = backgroundPause(ctx.runtime, () => ctx.diagnostics.whenQuiet(30, 500));
    const { folderEntries } = ctx.runtime.fs;
    this.poll = folderEntries
      ? new FolderPoll(
          ctx.runtime,
          folderEntries.bind(ctx.runtime.fs),
          stamped,
          (uri) => this.changed(uri),
          this.pause,
          MAX_POLLED_FOLDERS,
        )
      : undefined;
  }

  get size(): number {
    return this.watchers.size;
  }

  get polled(): number {
    return this.poll?.size ?? 0;
  }

  /**
   * Lists each workspace folder and watches it, the folders its YAML/JSON files are in and those
   * between, then its other folders (or polls them, past the bound).
   */
  async start(roots: readonly string[]): Promise<void> {
    for (const root of roots) {
      const top = root.replace(/\/+$/, '');
      // Polled when an earlier workspace folder took every watch (not watched or lost).
      this.cover(top, false);
      for (const uri of await this.list(top)) this.watchUpTo(uri.slice(0, uri.lastIndexOf('/')), top);
    }
    for (const root of roots) for (const folder of await this.folders(root)) this.cover(folder, false);
    await this.poll?.prime();
  }

  private async folders(under: string): Promise<string[]> {
    const { listFolders } = this.ctx.runtime.fs;
    const limit = MAX_WATCHED_FOLDERS + MAX_POLLED_FOLDERS;
    return listFolders ? listFolders.call(this.ctx.runtime.fs, under, limit, this.pause) : [];
  }

  /** Watches `folder`, or polls it past the bound: whether it is followed either way. */
  private cover(folder: string, fresh: boolean): boolean {
    return this.watch(folder) || (this.poll?.add(folder, fresh) ?? false);
  }

  private list(folder: string): Promise<string[]> {
    return this.ctx.runtime.fs.listFiles(folder, isYamlOrJsonName, undefined, this.pause);
  }

  /** Follows `folder` and each folder above it up to `top` (which is followed already). */
  private watchUpTo(folder: string, top: string, fresh = false): void {
    for (let f = folder; f.length > top.length && f.startsWith(`${top}/`); f = f.slice(0, f.lastIndexOf('/')))
      if (!this.cover(f, fresh)) return;
  }

  /** Whether `folder` is watched now (false once the bound is reached). */
  private watch(folder: string): boolean {
    if (this.watchers.has(folder)) return true;
    if (this.poll?.has(folder)) return false;
    if (this.watchers.size >= MAX_WATCHED_FOLDERS) {
      if (!this.full)
        this.ctx.log(
          `file watching: only the first ${MAX_WATCHED_FOLDERS} folders are watched, ` +
            (this.poll ? `the next ${MAX_POLLED_FOLDERS} polled` : 'the others not followed'),
        );
      this.full = true;
      return false;
    }
    const w = this.watchFolder(folder, (uri) => this.changed(uri));
    if (!w) return false;
    this.watchers.set(folder, w);
    return true;
  }

  private changed(uri: string): void {
    if (SKIPPED.test(uri.slice(uri.lastIndexOf('/') + 1))) return;
    this.runs.schedule(uri, WATCH_DEBOUNCE_MS, () => void this.settle(uri));
  }

  /** What a name that changed is now: a file changed, a file or folder gone, a folder come. */
  private async settle(uri: string): Promise<void> {
    const { fs } = this.ctx.runtime;
    const known = stamped(uri);
    if (!(await fs.exists(uri))) {
      // Only a followed folder has anything to drop (each is one pass over all of them: a branch
      // switch deleting 10,000 files made 10,000 such passes over 20,000 polled folders).
      if (this.watchers.has(uri) || this.poll?.has(uri)) this.unwatchUnder(uri);
      this.ctx.files.emit([{ uri, type: FileChangeType.Deleted }]);
    } else if (known) this.ctx.files.emit([{ uri, type: FileChangeType.Changed }]);
    else if (await fs.isFolder?.(uri)) await this.adopt(uri);
  }

  /** A folder that appeared: followed, with its subfolders, and the files in them come. */
  private async adopt(folder: string): Promise<void> {
    if (this.watchers.has(folder) || this.poll?.has(folder) || !this.cover(folder, true)) return;
    const files = await this.list(folder);
    for (const uri of files) this.watchUpTo(uri.slice(0, uri.lastIndexOf('/')), folder, true);
    for (const sub of await this.folders(folder)) this.cover(sub, true);
    const created: FileEvent[] = files.map((uri) => ({ uri, type: FileChangeType.Created }));
    if (created.length) this.ctx.files.emit(created);
  }

  private unwatchUnder(uri: string): void {
    this.poll?.removeUnder(uri);
    for (const [folder, w] of this.watchers)
      if (folder === uri || folder.startsWith(`${uri}/`)) {
        w.close();
        this.watchers.delete(folder);
      }
  }
}

/** The names whose contents count: YAML and JSON files, and `.gitignore` (it decides what is read). */
const stamped = (uri: string): boolean => isYamlOrJsonName(uri) || uri.endsWith('/.gitignore');
