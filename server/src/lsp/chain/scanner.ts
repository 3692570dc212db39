import { FileChangeType, type FileEvent, type WorkDoneProgressServerReporter } from 'vscode-languageserver';
import { gitKeeps, withoutGitIgnored } from '../gitignoreFilter';
import type { Runtime } from '../runtime';
import { folderPath, isYamlOrJsonName, pathOf } from '../settings';
import { backgroundPause } from '../slices';
import { ReadDialects } from './readDialects';
import { scanLimit, scanWaits } from './scanLimits';
import { MAX_INDEXED_LENGTH, type WorkspaceIndex } from './workspaceIndex';

export { MAX_SCANNED_FILES } from './scanLimits';

/**
 * The most bytes a file of MAX_INDEXED_LENGTH characters can have (three per UTF-16 unit): larger
 * files are not even read (a 400 MB file in the workspace once was, in full).
 */
const MAX_SCAN_BYTES = 3 * MAX_INDEXED_LENGTH;
/** Files read, then parsed, per round of the scan: the texts of a round are all that is held. */
const SCAN_ROUND = 2_000;

/** What the scanner needs from the server around it. */
export interface ScannerHost {
  runtime: Runtime;
  workspaceFolders(): string[];
  /** Resolves once the project configs were first read (they decide .gitignore and exclusions). */
  projectRead(): Promise<void>;
  /** Whether .gitignore applies to a file or folder: its nearest config's `gitignore` (default true). */
  gitignore(uri: string): boolean;
  isExcluded(uri: string): boolean;
  /**
   * The dialect a `policyLens.dialects` glob or the project's config forces on a file: a closed file
   * is read as that, as `policylens sync` reads it (only an Execlave bundle is indexed).
   */
  dialectFor(uri: string): string | undefined;
  /** Whether a URI is open in the editor: its buffer, not its file, is the truth then. */
  isOpen(uri: string): boolean;
  /** See `ServerContext.diagnostics.whenQuiet`: the scan never delays the open documents. */
  whenQuiet(quietMs: number, maxWaitMs: number): Promise<void>;
  /** A progress reporter, when the client shows progress (window.workDoneProgress). */
  progress(): Promise<WorkDoneProgressServerReporter | undefined>;
  /**
   * Each YAML/JSON file a listing finds (before .gitignore is applied): its folders' deletions are
   * file events worth handing on (fileEvents.ts).
   */
  listed(uri: string): void;
  /** After the scan, a file event or a closed document changed the index. */
  changed(): void;
  log(message: string): void;
}

/**
 * The scanner: reads every Execlave bundle under the workspace folders into the index (once, at first
 * use), then keeps it current from file-watcher events and closed documents. Open documents are
 * indexed from their analyses instead (`WorkspaceIndex.syncDocument`).
 */
export class WorkspaceScanner {
  private scanning: Promise<void> | undefined;
  /**
   * The scan, then each batch of file events, closed document and re-scan, one after the other: a
   * change is never overtaken by a stale read.
   */
  private queue: Promise<void> = Promise.resolve();
  /** The files the last scan or re-scan listed (events keep the ones still listed current). */
  private listed = new Set<string>();
  /** The dialect each closed file was read with, when one was forced on it. */
  private readonly dialects: ReadDialects;

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly host: ScannerHost,
  ) {
    this.dialects = new ReadDialects((uri) => host.dialectFor(uri));
  }

  /** The most files the scan reads (`MAX_SCANNED_FILES`, unless the environment lowers it). */
  get limit(): number {
    return scanLimit(this.host.runtime.env);
  }

  /** Reads the workspace on first use; resolves when the index covers it. */
  ready(): Promise<void> {
    this.scanning ??= this.enqueue(() =>
      this.scan().catch((e: unknown) => {
        this.host.log(`chain: scanning the workspace failed: ${(e as Error).stack ?? e}`);
        this.index.markReady();
      }),
    );
    return this.scanning;
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    const next = this.queue.then(job).catch((e: unknown) => {
      this.host.log(`chain: updating the index failed: ${(e as Error).stack ?? e}`);
    });
    this.queue = next;
    return next;
  }

  private pause(): () => Promise<void> {
    const { runtime } = this.host;
    const { quiet, maxWait } = scanWaits(runtime.env);
    return backgroundPause(runtime, () => this.host.whenQuiet(quiet, maxWait));
  }

  private async scan(): Promise<void> {
    // The configs are read once the client sent `initialized`; the first analysis of a policy the
    // client sent with `initialize` asks for the scan before that, when the client does not take
    // requests yet (the progress below is one).
    await this.host.projectRead();
    // The scan is the one long piece of work the user did not ask for: a client that shows progress
    // (window.workDoneProgress) sees it; for any other the reporter does nothing.
    const progress = await this.host.progress().catch(() => undefined);
    progress?.begin('Policy Lens', 0, 'reading the workspace’s policy files', false);
    try {
      await this.scanFiles((done, total) =>
        progress?.report(total ? Math.round((100 * done) / total) : 100, `${done} of ${total} files`),
      );
    } finally {
      progress?.done();
    }
  }

  /** The files the scan reads: YAML/JSON, not excluded by the config, not ignored by git. */
  private async listFiles(pause: () => Promise<void>): Promise<string[]> {
    const { host } = this;
    const uris: string[] = [];
    await host.projectRead();
    let partial = false;
    const limit = this.limit;
    for (const folder of host.workspaceFolders()) {
      const room = limit - uris.length;
      // What git ignores is not scanned, as lint does not walk it (unless the config says
      // `gitignore: false`); a file the user opens is still analysed. It is decided as the folder is
      // walked, so the limit counts the files kept: counted before, a repository's ignored build
      // outputs and fixtures made its index partial.
      // Asked per file: a nested config's `gitignore` holds for its folder, as in lint's walk.
      // gitKeeps reads no .gitignore until a file is asked about.
      const keeps = await gitKeeps(host.runtime.fs, folder);
      // One more than the room: the index is partial only when a file is left out.
      const kept = await host.runtime.fs.listFiles(
        folder,
        (u) => {
          if (!isYamlOrJsonName(u) || host.isExcluded(u)) return false;
          host.listed(u);
          return keeps && host.gitignore(u) ? keeps(u) : true;
        },
        room + 1,
        pause,
      );
      if (kept.length > room) {
        partial = true;
        kept.length = room;
      }
      uris.push(...kept);
      if (partial) break;
    }
    if (partial !== this.index.partial)
      host.log(
        partial
          ? `chain: the workspace has more than ${limit} YAML/JSON files; the index holds the first ones, and no prerequisite is reported missing (narrow the scan with include/exclude in policylens.config.yaml)`
          : 'chain: the index covers the workspace again',
      );
    this.index.partial = partial;
    return uris;
  }

  /**
   * Reads and parses files into the index, a round of files at a time, in slices. Reading is cheap
   * and parsing is not, so each round reads its files first and parses them at the end if they are
   * still not open: a client that opens the whole workspace sends every file, and each one opened
   * by then is indexed from the analysis its diagnostics already made.
   */
  private async indexFiles(
    uris: readonly string[],
    pause: () => Promise<void>,
    report: (done: number) => void = () => undefined,
  ): Promise<{ read: number; parsed: number }> {
    const { host } = this;
    let read = 0;
    let parsed = 0;
    for (let round = 0; round < uris.length; round += SCAN_ROUND) {
      const texts = new Map<string, string | undefined>();
      for (let i = round; i < Math.min(uris.length, round + SCAN_ROUND); i++) {
        if (i % 256 === 0) report(i);
        await pause();
        // The reads are synchronous (nodeRuntime.ts): a slice reads as many as fit in its time.
        if (!host.isOpen(uris[i]))
          texts.set(uris[i], await host.runtime.fs.readFile(uris[i], MAX_SCAN_BYTES));
      }
      read += texts.size;
      if (texts.size) host.log(`chain: parsing ${texts.size} files in slices`);
      for (const [uri, text] of texts) {
        // At least one file per slice: a file's parse is the smallest unit (at most 512 KB).
        await pause();
        if (host.isOpen(uri)) continue;
        this.index.indexText(uri, text, this.dialects.take(uri));
        parsed++;
      }
    }
    report(uris.length);
    return { read, parsed };
  }

  private async scanFiles(report: (done: number, total: number) => void): Promise<void> {
    const { host } = this;
    const { runtime } = host;
    const started = runtime.now();
    // Every pass is cut into slices of a few ms (SLICE_MS), bounded by time and not by a count of
    // files: between two, the requests that arrived are answered first (`giveWay`), and a new slice
    // starts only while the editor is quiet, so the documents it is opening go first.
    const { quiet, maxWait } = scanWaits(runtime.env);
    const pause = this.pause();
    const uris = await this.listFiles(pause);
    this.listed = new Set(uris);
    await host.whenQuiet(quiet, maxWait);
    host.log(`chain: reading ${uris.length} files in slices`);
    const { read, parsed } = await this.indexFiles(uris, pause, (done) => report(done, uris.length));
    this.index.syncOpenDocuments();
    // What every file's findings share (each prerequisite resolved, the graph's cycles) is made in
    // slices too: made by the first findings asked for, it was one block of tens of ms (5,000 files).
    const prepare = this.index.prepareFindings();
    while (!prepare.next().done) await pause();
    this.index.markReady();
    const ms = Math.round(runtime.now() - started);
    host.log(
      `chain: indexed ${this.index.size} bundles of ${uris.length} YAML/JSON files in ${ms} ms ` +
        `(${read} read from disk, ${parsed} of them parsed; open documents are indexed from their analyses)`,
    );
    host.changed();
  }

  /**
   * Lists the workspace again after what decides which files are scanned changed (the config's
   * include/exclude or `gitignore`, a .gitignore file, the workspace folders): files that left the
   * scan leave the index, files that entered it are read. Files still scanned are current already.
   */
  rescan(): Promise<void> {
    if (!this.scanning) return Promise.resolve();
    return this.enqueue(async () => {
      const pause = this.pause();
      const listed = await this.listFiles(pause);
      const wanted = new Set(listed);
      let dropped = 0;
      for (const uri of this.index.uris())
        if (!wanted.has(uri) && !this.host.isOpen(uri)) {
          this.index.delete(uri);
          dropped++;
        }
      // Only files the last listing did not have: the index holds policies only, so comparing
      // with it re-read every package.json and fixture at each re-scan.
      const added = listed.filter((u) => !this.listed.has(u));
      this.listed = wanted;
      this.dialects.keepOnly(wanted);
      // A config's `dialects` may have changed: its files are read again as it now says.
      const fresh = new Set(added);
      const again = this.dialects.changed(wanted, (u) => fresh.has(u) || this.host.isOpen(u));
      await this.indexFiles([...added, ...again], pause);
      this.host.log(
        `chain: re-listed the workspace: ${added.length} files added, ${dropped} dropped, ${again.length} read again with another dialect`,
      );
      this.host.changed();
    });
  }

  /**
   * Of these YAML/JSON files, the ones the scan would read: inside a workspace folder, not under
   * a hidden folder or node_modules (the walk skips them), not excluded, not ignored by git. The
   * editor's export asks it of the files it would write (lsp/export/).
   */
  async scanned(uris: readonly string[], pause: () => Promise<void> = this.pause()): Promise<Set<string>> {
    const { host } = this;
    const out = new Set<string>();
    for (const folder of host.workspaceFolders()) {
      // By path, not by the URI's spelling: the client's workspace folder (`a+b%20(c)`, as Node's
      // pathToFileURL and other editors spell it) and the export's URIs (`a%2Bb%20%28c%29`, as the
      // scan's own listing spells them) name the same files.
      const base = folderPath(folder);
      const inside = uris.filter((u) => {
        const path = pathOf(u);
        return (
          path.startsWith(base) &&
          !path
            .slice(base.length)
            .split('/')
            .some((part) => part.startsWith('.') || part === 'node_modules') &&
          !host.isExcluded(u)
        );
      });
      const filtered = inside.filter((u) => host.gitignore(u));
      for (const u of await withoutGitIgnored(host.runtime.fs, folder, filtered, pause)) out.add(u);
      for (const u of inside) if (!host.gitignore(u)) out.add(u);
    }
    return out;
  }

  /** Re-reads a file that is not open in the editor (an open document's buffer wins). */
  private async readFromDisk(uri: string): Promise<void> {
    if (this.host.isOpen(uri)) return;
    // A file above the limit is not read, and leaves the index (it may have been small before).
    this.listed.add(uri);
    const text = await this.host.runtime.fs.readFile(uri, MAX_SCAN_BYTES);
    if (!this.host.isOpen(uri)) this.index.indexText(uri, text, this.dialects.take(uri));
  }

  /**
   * The `policyLens.dialects` setting changed: the closed files whose dialect it changed are read
   * again (a config's change re-lists, which does the same: `rescan`).
   */
  redialect(): Promise<void> {
    if (!this.scanning) return Promise.resolve();
    return this.enqueue(async () => {
      const again = this.dialects.changed(this.listed, (u) => this.host.isOpen(u));
      if (!again.length) return;
      await this.indexFiles(again, this.pause());
      this.host.log(`chain: read ${again.length} files again with the dialect the settings now give them`);
      this.host.changed();
    });
  }

  /**
   * File-watcher events: created and changed files the scan would read are re-read, others (and
   * deleted ones) dropped; a deleted folder drops what was under it; a changed .gitignore re-lists
   * the workspace. The last event of a file decides, and the work gives way between files.
   */
  onFilesChanged(changes: readonly FileEvent[]): Promise<void> {
    // Before the scan started there is nothing to update (it will read the files as they are);
    // during it, the events apply once it is done, so a change cannot be overtaken by a stale read.
    if (!this.scanning) return Promise.resolve();
    const last = new Map<string, FileChangeType>();
    for (const c of changes) last.set(c.uri, c.type);
    // A changed .gitignore re-lists first; the batch's other events still apply after it.
    if ([...last.keys()].some((u) => u.endsWith('/.gitignore'))) void this.rescan();
    return this.enqueue(async () => {
      const pause = this.pause();
      const deletedFolders = new Set<string>();
      const read: string[] = [];
      for (const [uri, type] of last) {
        if (type === FileChangeType.Deleted) {
          // VS Code sends one event for a deleted folder (and some clients one for every file).
          if (!isYamlOrJsonName(uri)) deletedFolders.add(uri.replace(/\/+$/, ''));
          else if (!this.host.isOpen(uri)) this.index.delete(uri);
        } else if (isYamlOrJsonName(uri) && !this.host.isOpen(uri)) read.push(uri);
      }
      if (deletedFolders.size) this.dropUnder(deletedFolders);
      const scanned = await this.scanned(read, pause);
      for (const uri of read) {
        await pause();
        if (scanned.has(uri)) await this.readFromDisk(uri);
        else if (!this.host.isOpen(uri)) this.index.delete(uri);
      }
      this.host.changed();
    });
  }

  /** Forgets every file (not open) under one of these folders: a file's ancestors are looked up. */
  private dropUnder(folders: ReadonlySet<string>): void {
    for (const uri of this.index.uris()) {
      if (this.host.isOpen(uri)) continue;
      for (let cut = uri.lastIndexOf('/'); cut > 0; cut = uri.lastIndexOf('/', cut - 1))
        if (folders.has(uri.slice(0, cut))) {
          this.index.delete(uri);
          break;
        }
    }
  }

  /**
   * A document was closed: its file on disk is the truth again (the edits may not be saved), when
   * the scan would read it; a file from elsewhere (outside the workspace, excluded, ignored) leaves
   * the index with its buffer.
   */
  onClosed(uri: string): Promise<void> {
    // Closed while the scan runs: the scan skipped it as open, so it is read once the scan is done.
    if (!this.scanning) return Promise.resolve();
    return this.enqueue(async () => {
      if (this.host.isOpen(uri)) return;
      if (isYamlOrJsonName(uri) && (await this.scanned([uri], this.pause())).has(uri))
        await this.readFromDisk(uri);
      else this.index.delete(uri);
      this.host.changed();
    });
  }
}
