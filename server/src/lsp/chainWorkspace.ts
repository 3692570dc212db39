import {
  CodeLensRefreshRequest,
  FileChangeType,
  type FileEvent,
  type Location,
  type Position,
} from 'vscode-languageserver';
import { withoutGitIgnored } from './gitignoreFilter';
import {
  chainPolicyFromText,
  chainPolicyOf,
  ChainIndex,
  evaluationOrder,
  fileChainFindings,
  type ChainPolicy,
  type Finding,
  type Ordered,
  type ResolveLiveId,
  type Span,
} from '../core/index';
import type { ServerContext } from './context';
import type { PolicyDocument } from './documents';
import { toRange } from './convert';
import { isYamlOrJsonName } from './settings';

/** Files above this size are not read by the scan: a policy is a few KB. */
const MAX_SCAN_LENGTH = 512 * 1024;
/**
 * The most bytes a file of MAX_SCAN_LENGTH characters can have (three per UTF-16 unit): larger
 * files are not even read (a 400 MB file in the workspace once was, in full).
 */
const MAX_SCAN_BYTES = 3 * MAX_SCAN_LENGTH;
/** How many files the scan reads at a time (the reads are async; this bounds open handles). */
const SCAN_BATCH = 32;
/**
 * How long one slice of the scan's parsing may hold the thread before it lets the requests that
 * arrived meanwhile (completion, hover, the open document's diagnostics) be answered. A slice
 * parses at least one file and at most SCAN_BATCH.
 */
const SCAN_SLICE_MS = 4;
/**
 * The scan reads its next batch once no diagnostics run has been scheduled for this long (a burst of
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
/** How long a burst of changes is collected before the other open documents are re-checked. */
const CHANGE_COALESCE_MS = 20;

/** What changes a document's diagnostics: the findings, with their places and links. */
function signature(findings: readonly Finding[]): string {
  return JSON.stringify(findings.map((f) => [f.code, f.message, f.span.start, f.span.end, f.related]));
}

/**
 * The prerequisite chain of the whole workspace, for the language server: every Execlave bundle
 * under the workspace folders (read from disk once, then kept current from file-watcher events),
 * with open documents taking precedence over their files on disk. An edit re-reads only the edited
 * document (from its cached analysis: nothing is parsed twice); the graph checks run over the index,
 * and the open documents whose chain findings changed are re-published.
 */
export class WorkspaceChain {
  readonly index = new ChainIndex();
  private scanning: Promise<void> | undefined;
  private scanned = false;
  private cache:
    { version: number; findings: Map<string, Finding[]>; order?: Ordered<ChainPolicy>[] } | undefined;
  /** The entries made from an open document's analysis (not from the scan's own parse). */
  private readonly fromAnalysis = new WeakSet<ChainPolicy>();
  /** What each open document was last given by the diagnostics provider. */
  private readonly given = new Map<string, string>();
  private lensSignature = '';

  constructor(private readonly ctx: ServerContext) {}

  /** True once the workspace has been read: before that, nothing cross-file is claimed. */
  get isReady(): boolean {
    return this.scanned;
  }

  /** Reads the workspace on first use; resolves when the index covers it. */
  ready(): Promise<void> {
    this.scanning ??= this.scan().catch((e: unknown) => {
      this.ctx.log(`chain: scanning the workspace failed: ${(e as Error).stack ?? e}`);
      this.scanned = true;
    });
    return this.scanning;
  }

  private async scan(): Promise<void> {
    // The scan is the one long piece of work the user did not ask for: a client that shows progress
    // (window.workDoneProgress) sees it; for any other the reporter does nothing.
    const progress = await this.ctx.connection.window.createWorkDoneProgress().catch(() => undefined);
    progress?.begin('Policy Lens', 0, 'reading the workspace’s policy files', false);
    try {
      await this.scanFiles((done, total) =>
        progress?.report(total ? Math.round((100 * done) / total) : 100, `${done} of ${total} files`),
      );
    } finally {
      progress?.done();
    }
  }

  private async scanFiles(report: (done: number, total: number) => void): Promise<void> {
    const started = this.ctx.runtime.now();
    const uris: string[] = [];
    await this.ctx.project.read();
    for (const folder of this.ctx.workspaceFolders()) {
      const listed = await this.ctx.runtime.fs.listFiles(
        folder,
        (u) => isYamlOrJsonName(u) && !this.ctx.documents.isExcluded(u),
      );
      // What git ignores is not scanned, as lint does not walk it (unless the config says
      // `gitignore: false`); a file the user opens is still analysed.
      uris.push(
        ...(this.ctx.project.gitignore(folder)
          ? await withoutGitIgnored(this.ctx.runtime.fs, folder, listed)
          : listed),
      );
    }
    // Two passes, each a batch at a time and only while the editor is quiet: the documents it is
    // opening go first. Reading is cheap and parsing is not, so every file is read first and parsed
    // only at the end if it is still not open: a client that opens the whole workspace sends every
    // file, and each one opened by then is indexed from the analysis its diagnostics already made.
    const { quiet, maxWait } = scanWaits(this.ctx.runtime.env);
    const texts = new Map<string, string | undefined>();
    for (let i = 0; i < uris.length;) {
      await this.ctx.diagnostics.whenQuiet(quiet, maxWait);
      // The reads are synchronous (nodeRuntime.ts) and a quiet editor resolves the wait at once:
      // without this, the reading of every file would be one block, as the parse was.
      await this.ctx.runtime.yieldToEvents?.();
      const batch: string[] = [];
      for (; i < uris.length && batch.length < SCAN_BATCH; i++)
        if (!this.ctx.documents.textDocuments.get(uris[i])) batch.push(uris[i]);
      const read = await Promise.all(batch.map((u) => this.ctx.runtime.fs.readFile(u, MAX_SCAN_BYTES)));
      batch.forEach((u, k) => texts.set(u, read[k]));
      report(i, uris.length);
    }
    let parsed = 0;
    const closed = [...texts.keys()];
    const { runtime } = this.ctx;
    this.ctx.log(`chain: parsing ${closed.length} files in slices`);
    for (let i = 0; i < closed.length;) {
      await this.ctx.diagnostics.whenQuiet(quiet, maxWait);
      // A quiet editor resolves the wait at once, and awaiting a settled promise does not let
      // any message in: without this, the whole parse would be one block that completion and
      // hover requests wait behind.
      await runtime.yieldToEvents?.();
      const start = runtime.now();
      for (let n = 0; i < closed.length && n < SCAN_BATCH; i++, n++) {
        if (n > 0 && runtime.now() - start >= SCAN_SLICE_MS) break;
        const uri = closed[i];
        if (this.ctx.documents.textDocuments.get(uri)) continue;
        this.indexText(uri, texts.get(uri));
        parsed++;
      }
    }
    this.scanned = true;
    this.syncOpenDocuments();
    const ms = Math.round(this.ctx.runtime.now() - started);
    this.ctx.log(
      `chain: indexed ${this.index.size} bundles of ${uris.length} YAML/JSON files in ${ms} ms ` +
        `(${texts.size} read from disk, ${parsed} of them parsed; open documents are indexed from their analyses)`,
    );
    this.changed();
  }

  /** Indexes the text of a file that is not open (or forgets the file when it is not a bundle). */
  private indexText(uri: string, text: string | undefined): void {
    const policy =
      text !== undefined && text.length <= MAX_SCAN_LENGTH ? chainPolicyFromText(uri, text) : undefined;
    if (policy) this.index.set(policy);
    else this.index.delete(uri);
  }

  /** Re-reads a file that is not open in the editor (an open document's buffer wins). */
  private async readFromDisk(uri: string): Promise<void> {
    if (this.ctx.documents.textDocuments.get(uri)) return;
    // A file above the limit is not read, and leaves the index (it may have been small before).
    const text = await this.ctx.runtime.fs.readFile(uri, MAX_SCAN_BYTES);
    if (!this.ctx.documents.textDocuments.get(uri)) this.indexText(uri, text);
  }

  /**
   * Brings one open document's entry up to its current version, from its cached analysis. While a
   * bundle is momentarily unparsable (half-typed), its last good entry stays, so the other files do
   * not flash "missing prerequisite" at every keystroke; `isCurrent` tells the two apart.
   */
  syncDocument(doc: PolicyDocument): void {
    // A document over the scan's limit stays out of the chain, as its file on disk does: its
    // analysis may take seconds, and is made on another thread for its diagnostics alone.
    if (doc.text.length > MAX_SCAN_LENGTH) {
      if (this.index.get(doc.uri)) this.index.delete(doc.uri);
      return;
    }
    const parsed = doc.analysis.doc;
    const current = this.index.get(doc.uri);
    // Indexed from this analysis already. (The scan's entry may hold the very parse the analysis
    // reused, yet read the file without the dialect a setting forces: it is indexed anew.)
    if (parsed && current?.doc === parsed && this.fromAnalysis.has(current)) return;
    if (current && parsed && parsed.value === undefined) return;
    const policy = parsed ? chainPolicyOf(doc.uri, parsed, doc.analysis.dialect.id) : undefined;
    if (policy) this.fromAnalysis.add(policy);
    // When the chain facts did not change (a file opened as it is on disk, an edit inside its rule)
    // the graph is the same: the index keeps its version and every derived cache, so a keystroke
    // costs the same in a workspace of 5,000 bundles as in one of one. Findings hold positions,
    // which may have moved (also those other files link to), so they are recomputed lazily.
    if (policy && this.index.swapSameFacts(policy)) {
      // The same text (a file opened as the scan read it): every position is where it was, so the
      // findings of every file stand.
      if (current?.doc.text !== parsed?.text) this.positionsMoved();
    } else if (policy) this.index.set(policy);
    else if (current) this.index.delete(doc.uri);
  }

  /** Whether the index holds this version of the document (not an earlier, parsable one). */
  isCurrent(doc: PolicyDocument): boolean {
    if (doc.text.length > MAX_SCAN_LENGTH) return false;
    return this.index.get(doc.uri)?.doc === doc.analysis.doc;
  }

  /** Every open policy document at its current version. */
  syncOpenDocuments(): void {
    for (const doc of this.ctx.documents.all()) this.syncDocument(doc);
  }

  /** Positions in an indexed file moved without a fact changing: findings are placed anew. */
  private positionsMoved(): void {
    this.cache?.findings.clear();
    this.moves++;
  }

  private moves = 0;
  /** The index version and position moves the last flush compared every open document at. */
  private flushedAt: string | undefined;

  /** What is derived from the index as it is now: kept until the next change. */
  private derived(): { findings: Map<string, Finding[]>; order?: Ordered<ChainPolicy>[] } {
    if (this.cache?.version !== this.index.version)
      this.cache = { version: this.index.version, findings: new Map() };
    return this.cache;
  }

  /**
   * The cross-file findings of one file (none until the workspace has been read). Computed per
   * file on demand: the editor asks only for the files it shows.
   */
  findingsFor(uri: string): Finding[] {
    if (!this.scanned) return [];
    const { findings } = this.derived();
    let list = findings.get(uri);
    if (!list) findings.set(uri, (list = fileChainFindings(this.index, uri)));
    return list;
  }

  order(): Ordered<ChainPolicy>[] {
    const d = this.derived();
    return (d.order ??= evaluationOrder(this.index));
  }

  /** What an open document shows: its chain findings, unless the index holds an older version. */
  private visibleFindings(doc: PolicyDocument | undefined): Finding[] {
    return doc && this.isCurrent(doc) ? this.findingsFor(doc.uri) : [];
  }

  /** The diagnostics provider: this document's chain findings, noting what it was given. */
  provide(doc: PolicyDocument): Finding[] {
    if (!this.scanned) {
      void this.ready();
      return [];
    }
    this.syncDocument(doc);
    // Findings placed on an earlier version of the text would land in the wrong place.
    const findings = this.visibleFindings(doc);
    this.given.set(doc.uri, signature(findings));
    this.changed();
    return findings;
  }

  /**
   * After the index changed: re-publish every other open document whose chain findings are no
   * longer what it was given, and ask the client to refresh lenses when the order moved.
   */
  changed(): void {
    // Coalesced: a burst of opens or edits re-checks the other documents once, not once per event
    // (which made opening a whole workspace quadratic).
    if (!this.scanned || this.flushTimer !== undefined) return;
    // Through the runtime's clock, so that a test's fake clock drives the coalescing too.
    this.flushTimer = this.ctx.runtime.setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, CHANGE_COALESCE_MS);
  }

  private flushTimer: unknown;

  private flush(): void {
    if (!this.scanned) return;
    // Nothing any file's findings derive from changed since the last comparison (a burst of opens
    // of files as they are on disk): each document that was analysed was given its own findings.
    const at = `${this.index.version} ${this.moves}`;
    if (at === this.flushedAt) return;
    this.flushedAt = at;
    for (const td of this.ctx.documents.textDocuments.all()) {
      const now = signature(this.visibleFindings(this.ctx.documents.get(td.uri)));
      if ((this.given.get(td.uri) ?? signature([])) !== now) {
        this.given.set(td.uri, now);
        this.ctx.diagnostics.refresh(td.uri);
      }
    }
    // The order only decides whether lenses need a refresh: a client that cannot be asked to
    // refresh them does not make the server sort the workspace after every change.
    if (!this.ctx.clientCapabilities().workspace?.codeLens?.refreshSupport) return;
    const lens = this.order()
      .map((o) => `${o.item.uri} ${o.position} ${o.item.prerequisites.length} ${o.inCycle}`)
      .join('\n');
    if (lens !== this.lensSignature) {
      const first = !this.lensSignature;
      this.lensSignature = lens;
      if (!first) this.ctx.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    }
  }

  /** File-watcher events: created and changed files are re-read, deleted ones dropped. */
  async onFilesChanged(changes: readonly FileEvent[]): Promise<void> {
    // Before the scan started there is nothing to update (it will read the files as they are);
    // during it, the events apply once it is done, so a change cannot be overtaken by a stale read.
    if (!this.scanning) return;
    await this.scanning;
    for (const c of changes) {
      if (!isYamlOrJsonName(c.uri) || this.ctx.documents.textDocuments.get(c.uri)) continue;
      if (c.type === FileChangeType.Deleted) this.index.delete(c.uri);
      else await this.readFromDisk(c.uri);
    }
    this.changed();
  }

  /** A document was closed: its file on disk is the truth again (the edits may not be saved). */
  async onClosed(uri: string): Promise<void> {
    this.given.delete(uri);
    // Closed while the scan runs: the scan skipped it as open, so it is read once the scan is done.
    if (!this.scanning) return;
    await this.scanning;
    await this.readFromDisk(uri);
    this.changed();
  }

  /**
   * Connects the live org: ids in prerequisites then resolve to live policies, and (with
   * `resolveName`) names that no bundle declares to the org's policies of that name. The sync engine
   * calls this once it has listed the org, and with `undefined` when it disconnects.
   */
  setLiveResolver(resolve: ResolveLiveId | undefined, resolveName?: ResolveLiveId): void {
    this.index.setLiveResolvers(resolve, resolveName);
    this.changed();
  }

  /** Waits for the index and brings the open documents up to date: what every request does first. */
  async current(): Promise<this> {
    await this.ready();
    this.syncOpenDocuments();
    this.changed();
    return this;
  }
}

/** The offset of a position in an indexed file (open documents are indexed at their current version). */
export function offsetIn(chain: WorkspaceChain, uri: string, position: Position): number | undefined {
  return chain.index.get(uri)?.lines.offsetAt(position);
}

/** A span of an indexed file as an LSP location. */
export function locationOf(chain: WorkspaceChain, uri: string, span: Span): Location | undefined {
  const policy = chain.index.get(uri);
  return policy ? { uri, range: toRange(policy.lines, span) } : undefined;
}
