import type { Connection } from 'vscode-languageserver';
import { toDiagnostic } from './convert';
import type { DocumentStore, PolicyDocument } from './documents';
import type { Runtime } from './runtime';
import { giveWay } from './slices';
import { publishDiagnostics } from './publish';

/** The debounce after a keystroke is twice the document's recent analysis time, within these bounds. */
const MIN_DELAY_MS = 5;
const MAX_DELAY_MS = 150;
/** A document that is not (yet) a policy file is only sniffed, and only once typing pauses. */
const SNIFF_DELAY_MS = 300;

interface Pending {
  handle: unknown;
  /** When the first change of this burst arrived: a long burst is still checked now and then. */
  since: number;
}

/**
 * Computes and publishes diagnostics of open documents. A change schedules a run after a short,
 * adaptive delay; a newer change replaces the pending run, and a run always analyses the document's
 * current version, so outdated results are never computed or published.
 */
export class DiagnosticsScheduler {
  private readonly pending = new Map<string, Pending>();
  /** URIs whose last publication was non-empty, so that they can be cleared later. */
  private readonly published = new Set<string>();
  private readonly seen = new Set<string>();
  /** Whether a document with nothing to report waits (`holdEmptyWhile`), and those waiting. */
  private holds: (uri: string) => boolean = () => false;
  private readonly held = new Set<string>();
  /**
   * When a run was last scheduled or the user last waited for an answer (completion, hover): background
   * work waits for a quiet moment (`whenQuiet`).
   */
  private lastScheduled = -Infinity;

  constructor(
    private readonly connection: Connection,
    private readonly store: DocumentStore,
    private readonly runtime: Runtime,
    private readonly log: (message: string) => void,
    /** `policyLens.validate`: while false every open document is published with no diagnostics. */
    private readonly validate: () => boolean = () => true,
    /** Whether a policy document's publication waits (for the client to switch its language id). */
    private readonly defers: (uri: string, languageId: string) => boolean = () => false,
  ) {}

  /** The delay before the next run for this document. */
  delayFor(uri: string): number {
    const td = this.store.textDocuments.get(uri);
    if (td && !this.store.isPolicyKnown(uri)) return SNIFF_DELAY_MS;
    return Math.min(MAX_DELAY_MS, Math.max(MIN_DELAY_MS, Math.round(2 * this.store.costOf(uri))));
  }

  /** Schedules a run: at once for a document seen for the first time, otherwise debounced. */
  schedule(uri: string): void {
    const first = !this.seen.has(uri);
    this.seen.add(uri);
    const now = this.runtime.now();
    this.lastScheduled = now;
    const old = this.pending.get(uri);
    if (old) this.runtime.clearTimeout(old.handle);
    const since = old?.since ?? now;
    const delay = first ? 0 : this.delayFor(uri);
    // A burst of keystrokes postpones the run, but never by more than a few delays in total.
    const wait = Math.max(0, Math.min(delay, since + Math.max(4 * delay, 50) - now));
    const handle = this.runtime.setTimeout(() => this.run(uri), wait);
    this.pending.set(uri, { handle, since });
  }

  /**
   * A request the user waits for arrived (completion, hover, code actions at the cursor): background
   * work pauses until the editor is quiet again, so that the next ones are answered as fast as in an
   * idle server, not after a slice of the scan and on a thread the system sees busy.
   */
  userWaits(): void {
    this.lastScheduled = this.runtime.now();
  }

  /** Recomputes now-ish without counting as a keystroke (used when other files changed). */
  refresh(uri: string): void {
    this.store.invalidateFindings(uri);
    if (this.store.textDocuments.get(uri)) this.schedule(uri);
  }

  refreshAll(): void {
    for (const td of this.store.textDocuments.all()) this.refresh(td.uri);
  }

  /**
   * Resolves once no run is pending and none was scheduled, nor a request the user waits for
   * arrived, for `quietMs` (a burst of opens, keystrokes or completions is over), or after `maxWaitMs` at the latest, so that background work (the workspace
   * scan) neither delays the diagnostics of the documents the user opened nor waits forever.
   */
  whenQuiet(quietMs: number, maxWaitMs: number): Promise<void> {
    const deadline = this.runtime.now() + maxWaitMs;
    return new Promise((resolve) => {
      const check = () => {
        const now = this.runtime.now();
        const quietAt = this.lastScheduled + quietMs;
        if (now >= deadline || (!this.pending.size && now >= quietAt)) resolve();
        else {
          const next = this.pending.size ? now + quietMs : quietAt;
          this.runtime.setTimeout(check, Math.max(1, Math.min(deadline, next) - now));
        }
      };
      check();
    });
  }

  /**
   * While `holds(uri)`, a document with nothing to report, whose last publication (if any) was empty
   * too, is not published: nothing would change on the client's side. The server holds such
   * documents until the workspace index is ready and their cross-file findings are known, so that a
   * burst of opens publishes each of them once, complete, instead of an empty list first and the
   * cycle or missing prerequisite after it (5,000 publications fewer when a workspace is opened
   * whole: docs/decisions/perf.md). A document with findings is published at once, as before.
   */
  holdEmptyWhile(holds: (uri: string) => boolean): void {
    this.holds = holds;
  }

  /** Publishes the documents held back (the workspace index is ready). */
  releaseHeld(): void {
    const uris = [...this.held];
    this.held.clear();
    for (const uri of uris) this.refresh(uri);
  }

  /** The version of each document whose analysis runs in slices. */
  private readonly slicing = new Map<string, number>();

  private run(uri: string): void {
    this.pending.delete(uri);
    try {
      const doc = this.store.get(uri);
      if (!doc) {
        if (this.published.has(uri)) this.clear(uri);
        return;
      }
      if (this.defers(uri, doc.languageId)) return;
      if (this.validate() && this.runtime.yieldToEvents && doc.wantsSlices()) {
        void this.runSliced(uri, doc);
        return;
      }
      this.publish(uri, doc);
    } catch (e) {
      this.log(`diagnostics of ${uri} failed: ${(e as Error).stack ?? e}`);
    }
  }

  private publish(uri: string, doc: PolicyDocument): void {
    const findings = this.validate() ? doc.findings() : [];
    const linesOf = (other: string) => this.store.linesOf(other);
    const diagnostics = findings.map((f) => toDiagnostic(f, doc.lines, linesOf));
    if (!diagnostics.length && !this.published.has(uri) && this.holds(uri)) {
      this.held.add(uri);
      return;
    }
    this.held.delete(uri);
    if (diagnostics.length) this.published.add(uri);
    else this.published.delete(uri);
    publishDiagnostics(this.connection, { uri, version: doc.version, diagnostics });
    if (!this.publishedOnce) {
      this.publishedOnce = true;
      // The start-up timeline (docs/decisions/marketplace.md): the clock counts from the process start.
      const cpu = this.runtime.cpuMs ? ` (${Math.round(this.runtime.cpuMs())} ms of CPU)` : '';
      this.log(`first diagnostics published at ${Math.round(this.runtime.now())} ms${cpu}`);
    }
  }

  private publishedOnce = false;

  /**
   * Analyses a costly document a step at a time, answering the messages that arrived between two
   * steps, then publishes. A newer version (or closing the document) ends the run: its own run
   * starts again. A request that needs the analysis meanwhile finishes it at once.
   */
  private async runSliced(uri: string, doc: PolicyDocument): Promise<void> {
    if (this.slicing.get(uri) === doc.version) return;
    this.slicing.set(uri, doc.version);
    try {
      while (!doc.stepAnalysis()) {
        // The requests read meanwhile are answered before the next step (see `giveWay`).
        await giveWay(this.runtime);
        if (this.store.get(uri) !== doc) return;
      }
      this.publish(uri, doc);
    } catch (e) {
      this.log(`diagnostics of ${uri} failed: ${(e as Error).stack ?? e}`);
    } finally {
      if (this.slicing.get(uri) === doc.version) this.slicing.delete(uri);
    }
  }

  /** Cancels pending work and publishes an empty list (closed or deleted file). */
  clear(uri: string, forget = false): void {
    const old = this.pending.get(uri);
    if (old) this.runtime.clearTimeout(old.handle);
    this.pending.delete(uri);
    this.published.delete(uri);
    this.held.delete(uri);
    if (forget) this.seen.delete(uri);
    publishDiagnostics(this.connection, { uri, diagnostics: [] });
  }
}
