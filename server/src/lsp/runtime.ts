import type { ImpactJob, ImpactRun } from './impact/job';

/**
 * What the language server needs from its host, passed into `startServer`. `main.ts` builds the Node
 * version; tests can hand in fakes instead of patching modules.
 */
export interface FileSystem {
  /**
   * The text of a regular file, or undefined when it cannot be read, is not a regular file (a named
   * pipe, a device), or has more than `maxBytes` bytes (then it is not read at all).
   */
  readFile(uri: string, maxBytes?: number): Promise<string | undefined>;
  exists(uri: string): Promise<boolean>;
  /** Whether the URI names a folder (false when it names anything else, or nothing). */
  isFolder?(uri: string): Promise<boolean>;
  /**
   * The names of every entry of a folder (files, folders and anything else, hidden ones too), or
   * undefined when it cannot be read: an export names its files so that none is taken. Optional.
   */
  entryNames?(folderUri: string): Promise<string[] | undefined>;
  /**
   * Where a file or folder really is, as a `file:` URI (symbolic links and `..` resolved), or
   * undefined when it cannot be resolved: an export writes only where the workspace scan, which
   * follows no link, reads. Optional.
   */
  realPath?(uri: string): Promise<string | undefined>;
  /**
   * The URIs of the files under a folder whose URI `accept`s, skipping `node_modules` and hidden
   * folders, at most `limit` of them (a file `accept` refuses does not count). A long listing awaits
   * `pause` between entries (background work gives way to requests there).
   */
  listFiles(
    folderUri: string,
    accept: (uri: string) => boolean | Promise<boolean>,
    limit?: number,
    pause?: () => Promise<void>,
  ): Promise<string[]>;
  /**
   * The folders under a folder, breadth first (the shallow ones before the deep ones), skipping
   * `node_modules` and hidden folders as `listFiles` does, at most `limit` of them. Optional.
   */
  listFolders?(folderUri: string, limit: number, pause?: () => Promise<void>): Promise<string[]>;
  /**
   * What a folder holds now, for polling a folder that is not watched, by URI: each subfolder with
   * `/`, and each file whose URI `stamp` accepts with its modification time and size; other files
   * are left out. Undefined when the folder cannot be read (it went away). Optional.
   */
  folderEntries?(
    folderUri: string,
    stamp: (uri: string) => boolean,
  ): Promise<Map<string, string> | undefined>;
  /**
   * Watches one folder (not its subfolders) and calls `changed` with the URI of each file that
   * changed, appeared or went away in it. Optional: a runtime without it watches nothing.
   */
  watchFolder?(folderUri: string, changed: (uri: string) => void): { close(): void } | undefined;
}

export interface Runtime {
  fs: FileSystem;
  env: Record<string, string | undefined>;
  /**
   * The API key a client hands over after the start (protocol `API_KEY_FROM_ENV`): the first read of
   * the live org waits for it, nothing else does. Undefined when no key follows (it is then in `env`,
   * or there is none); the promise resolves to '' for "no key".
   */
  apiKey?: Promise<string>;
  /** When the server's code had been loaded, on the `now` clock (the start-up log line says it). */
  loadedAt?: number;
  /** How the loader read, inflated and compiled the bundle (boot/bundle.ts), for the same line. */
  loadDetail?: string;
  /** A monotonic clock in milliseconds, for the adaptive debounce. */
  now(): number;
  /**
   * The CPU time the process has used, in milliseconds (user and system), when the runtime can
   * tell: the start-up log lines set it beside the wall time, which on a busy machine is several
   * times larger.
   */
  cpuMs?(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /**
   * Resolves once the messages that arrived meanwhile have been handled (Node's `setImmediate`):
   * long background work awaits it between slices so that requests are answered in between. A
   * runtime without it (a test's fake clock) runs the slices back to back.
   */
  yieldToEvents?(): Promise<void>;
  /**
   * Runs a replay of the impact off the server's thread (Node: a worker thread) and resolves with
   * its reports, or `cancelled` once `signal` aborts. A runtime without it (the in-process tests)
   * replays on the server's thread, yielding between slices.
   */
  replayImpact?(job: ImpactJob, signal: AbortSignal): Promise<ImpactRun & { cancelled?: true }>;
}
