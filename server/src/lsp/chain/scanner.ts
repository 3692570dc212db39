import { FileChangeType, type FileEvent, type WorkDoneProgressServerReporter } from 'vscode-languageserver';
import { withoutGitIgnored } from '../gitignoreFilter';
import type { Runtime } from '../runtime';
import { isYamlOrJsonName } from '../settings';
import { backgroundPause } from '../slices';
import { MAX_INDEXED_LENGTH, type WorkspaceIndex } from './workspaceIndex';

/**
 * The most bytes a file of MAX_INDEXED_LENGTH characters can have (three per UTF-16 unit): larger
 * files are not even read (a 400 MB file in the workspace once was, in full).
 */
const MAX_SCAN_BYTES = 3 * MAX_INDEXED_LENGTH;
/**
 * The scan starts each slice once no diagnostics run has been scheduled for this long (a burst of
 * opens is over), or after the longer wait at the latest, so a busy editor delays it but never stops it.
 */
const SCAN_QUIET_MS = 30;
const SCAN_MAX_WAIT_MS = 500;
/**
 * `POLICYLENS_SCAN_QUIET_MS` lengthens the quiet moment (the longer wait grows with it): the
 * protocol tests use it so that a machine that stalls for 30 ms cannot make them flaky.
 */
function scanWaits(env: Record<string, string | undefined>): { quiet: number; maxWait: number } {
  const quiet = Number(env.POLICYLENS_SCAN_QUIET_MS) || SCAN_QUIET_MS;
  return { quiet, maxWait: Math.max(SCAN_MAX_WAIT_MS, 4 * quiet) };
}

/** What the scanner needs from the server around it. */
export interface ScannerHost {
  runtime: Runtime;
  workspaceFolders(): string[];
  /** Resolves once the project configs were first read (they decide .gitignore and exclusions). */
  projectRead(): Promise<void>;
  gitignore(folderUri: string): boolean;
  isExcluded(uri: string): boolean;
  /** Whether a URI is open in the editor: its buffer, not its file, is the truth then. */
  isOpen(uri: string): boolean;
  /** See `ServerContext.diagnostics.whenQuiet`: the scan never delays the open documents. */
  whenQuiet(quietMs: number, maxWaitMs: number): Promise<void>;
  /** A progress reporter, when the client shows progress (window.workDoneProgress). */
  progress(): Promise<WorkDoneProgressServerReporter | undefined>;
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

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly host: ScannerHost,
  ) {}

  /** Reads the workspace on first use; resolves when the index covers it. */
  ready(): Promise<void> {
    this.scanning ??= this.scan().catch((e: unknown) => {
      this.host.log(`chain: scanning the workspace failed: ${(e as Error).stack ?? e}`);
      this.index.markReady();
    });
    return this.scanning;
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

  private async listFiles(pause: () => Promise<void>): Promise<string[]> {
    const { host } = this;
    const uris: string[] = [];
    await host.projectRead();
    for (const folder of host.workspaceFolders()) {
      const listed = await host.runtime.fs.listFiles(
        folder,
        (u) => isYamlOrJsonName(u) && !host.isExcluded(u),
        undefined,
        pause,
      );
      // What git ignores is not scanned, as lint does not walk it (unless the config says
      // `gitignore: false`); a file the user opens is still analysed.
      uris.push(
        ...(host.gitignore(folder)
          ? await withoutGitIgnored(host.runtime.fs, folder, listed, pause)
          : listed),
      );
    }
    return uris;
  }

  private async scanFiles(report: (done: number, total: number) => void): Promise<void> {
    const { host } = this;
    const { runtime } = host;
    const started = runtime.now();
    // Every pass is cut into slices of a few ms (SLICE_MS), bounded by time and not by a count of
    // files: between two, the requests that arrived are answered first (`giveWay`), and a new slice
    // starts only while the editor is quiet, so the documents it is opening go first.
    const { quiet, maxWait } = scanWaits(runtime.env);
    const pause = backgroundPause(runtime, () => host.whenQuiet(quiet, maxWait));
    const uris = await this.listFiles(pause);
    // Two passes. Reading is cheap and parsing is not, so every file is read first and parsed only
    // at the end if it is still not open: a client that opens the whole workspace sends every file,
    // and each one opened by then is indexed from the analysis its diagnostics already made.
    const texts = new Map<string, string | undefined>();
    await host.whenQuiet(quiet, maxWait);
    host.log(`chain: reading ${uris.length} files in slices`);
    for (let i = 0; i < uris.length; i++) {
      if (i % 256 === 0) report(i, uris.length);
      await pause();
      // The reads are synchronous (nodeRuntime.ts): a slice reads as many as fit in its time.
      if (!host.isOpen(uris[i])) texts.set(uris[i], await runtime.fs.readFile(uris[i], MAX_SCAN_BYTES));
    }
    report(uris.length, uris.length);
    let parsed = 0;
    const closed = [...texts.keys()];
    await host.whenQuiet(quiet, maxWait);
    host.log(`chain: parsing ${closed.length} files in slices`);
    for (const uri of closed) {
      // At least one file per slice: a file's parse is the smallest unit (at most 512 KB).
      await pause();
      if (host.isOpen(uri)) continue;
      this.index.indexText(uri, texts.get(uri));
      parsed++;
    }
    this.index.syncOpenDocuments();
    // What every file's findings share (each prerequisite resolved, the graph's cycles) is made in
    // slices too: made by the first findings asked for, it was one block of tens of ms (5,000 files).
    const prepare = this.index.prepareFindings();
    while (!prepare.next().done) await pause();
    this.index.markReady();
    const ms = Math.round(runtime.now() - started);
    host.log(
      `chain: indexed ${this.index.size} bundles of ${uris.length} YAML/JSON files in ${ms} ms ` +
        `(${texts.size} read from disk, ${parsed} of them parsed; open documents are indexed from their analyses)`,
    );
    host.changed();
  }

  /** Re-reads a file that is not open in the editor (an open document's buffer wins). */
  private async readFromDisk(uri: string): Promise<void> {
    if (this.host.isOpen(uri)) return;
    // A file above the limit is not read, and leaves the index (it may have been small before).
    const text = await this.host.runtime.fs.readFile(uri, MAX_SCAN_BYTES);
    if (!this.host.isOpen(uri)) this.index.indexText(uri, text);
  }

  /** File-watcher events: created and changed files are re-read, deleted ones dropped. */
  async onFilesChanged(changes: readonly FileEvent[]): Promise<void> {
    // Before the scan started there is nothing to update (it will read the files as they are);
    // during it, the events apply once it is done, so a change cannot be overtaken by a stale read.
    if (!this.scanning) return;
    await this.scanning;
    for (const c of changes) {
      if (!isYamlOrJsonName(c.uri) || this.host.isOpen(c.uri)) continue;
      if (c.type === FileChangeType.Deleted) this.index.delete(c.uri);
      else await this.readFromDisk(c.uri);
    }
    this.host.changed();
  }

  /** A document was closed: its file on disk is the truth again (the edits may not be saved). */
  async onClosed(uri: string): Promise<void> {
    // Closed while the scan runs: the scan skipped it as open, so it is read once the scan is done.
    if (!this.scanning) return;
    await this.scanning;
    await this.readFromDisk(uri);
    this.host.changed();
  }
}
