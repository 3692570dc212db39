import type { Location, Position } from 'vscode-languageserver';
import {
  chainPolicyFromText,
  chainPolicyOf,
  ChainIndex,
  evaluationOrder,
  fileChainFindings,
  prepareChainFindings,
  type ChainPolicy,
  type Finding,
  type Ordered,
  type ResolveLiveId,
  type Span,
} from '../../core/index';
import { toRange } from '../convert';
import type { PolicyDocument } from '../documents';

/** Files above this size are not indexed (nor read by the scan): a policy is a few KB. */
export const MAX_INDEXED_LENGTH = 512 * 1024;

/**
 * The index holder: the prerequisite chain of the whole workspace as the language server knows it
 * (the files the scanner read, with open documents taking precedence over their files on disk), and
 * what is derived from it (each file's cross-file findings, the evaluation order), cached until the
 * next change. It is the one writer of its `ChainIndex`: the scanner and the open documents change
 * it through these methods, and everything else reads it (`policies` for the engine's queries).
 */
export class WorkspaceIndex {
  /** Read-only for everyone but this class: the engine's chain queries take it. */
  readonly policies = new ChainIndex();
  private complete = false;
  private cache:
    { version: number; findings: Map<string, Finding[]>; order?: Ordered<ChainPolicy>[] } | undefined;
  /** The entries made from an open document's analysis (not from the scan's own parse). */
  private readonly fromAnalysis = new WeakSet<ChainPolicy>();
  /** How often positions moved in an indexed file without a chain fact changing. */
  private moves = 0;

  constructor(private readonly openDocuments: () => readonly PolicyDocument[]) {}

  /** True once the workspace has been read: before that, nothing cross-file is claimed. */
  get isReady(): boolean {
    return this.complete;
  }

  private readonly readyListeners: (() => void)[] = [];

  /** Called by the scanner once the index covers the workspace (or the scan gave up). */
  markReady(): void {
    if (this.complete) return;
    this.complete = true;
    for (const listener of this.readyListeners) listener();
  }

  /** Runs `listener` when the index becomes ready. */
  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  /**
   * Changes whenever anything a file's findings derive from changed: the index's version, the
   * positions in an indexed file, or whether the index is partial (which hides missing
   * prerequisites). The re-publisher compares open documents only when it moved.
   */
  get stamp(): string {
    return `${this.policies.version} ${this.moves}${this.partial ? ' partial' : ''}`;
  }

  get size(): number {
    return this.policies.size;
  }

  get(uri: string): ChainPolicy | undefined {
    return this.policies.get(uri);
  }

  all(): ChainPolicy[] {
    return this.policies.all();
  }

  /**
   * Indexes the text of a file that is not open (or forgets the file when it is not a bundle), read
   * as `dialect` when a setting or the project's config forces one on it.
   */
  indexText(uri: string, text: string | undefined, dialect?: string): void {
    const policy =
      text !== undefined && text.length <= MAX_INDEXED_LENGTH
        ? chainPolicyFromText(uri, text, dialect)
        : undefined;
    if (policy) this.policies.set(policy);
    else this.policies.delete(uri);
  }

  /** Forgets a file (deleted on disk). */
  delete(uri: string): void {
    this.policies.delete(uri);
  }

  /**
   * Connects the live org: ids in prerequisites then resolve to live policies, and (with
   * `resolveName`) names that no bundle declares to the org's policies of that name. The sync engine
   * calls this once it has listed the org, and with `undefined` when it disconnects.
   */
  setLiveResolvers(resolve: ResolveLiveId | undefined, resolveName?: ResolveLiveId): void {
    this.policies.setLiveResolvers(resolve, resolveName);
  }

  /**
   * Brings one open document's entry up to its current version, from its cached analysis. While a
   * bundle is momentarily unparsable (half-typed), its last good entry stays, so the other files do
   * not flash "missing prerequisite" at every keystroke; `isCurrent` tells the two apart.
   */
  syncDocument(doc: PolicyDocument): void {
    const index = this.policies;
    // A document over the scan's limit stays out of the chain, as its file on disk does: its
    // analysis may take seconds, and is made in slices for its diagnostics alone.
    if (doc.text.length > MAX_INDEXED_LENGTH) {
      if (index.get(doc.uri)) index.delete(doc.uri);
      return;
    }
    const parsed = doc.analysis.doc;
    const current = index.get(doc.uri);
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
    if (policy && index.swapSameFacts(policy)) {
      // The same text (a file opened as the scan read it): every position is where it was, so the
      // findings of every file stand.
      if (current?.doc.text !== parsed?.text) this.positionsMoved();
    } else if (policy) index.set(policy);
    else if (current) index.delete(doc.uri);
  }

  /** Whether the index holds this version of the document (not an earlier, parsable one). */
  isCurrent(doc: PolicyDocument): boolean {
    if (doc.text.length > MAX_INDEXED_LENGTH) return false;
    return this.policies.get(doc.uri)?.doc === doc.analysis.doc;
  }

  /** Every open policy document at its current version. */
  syncOpenDocuments(): void {
    for (const doc of this.openDocuments()) this.syncDocument(doc);
  }

  /** Positions in an indexed file moved without a fact changing: findings are placed anew. */
  private positionsMoved(): void {
    this.cache?.findings.clear();
    this.moves++;
  }

  /** What is derived from the index as it is now: kept until the next change. */
  private derived(): { findings: Map<string, Finding[]>; order?: Ordered<ChainPolicy>[] } {
    if (this.cache?.version !== this.policies.version)
      this.cache = { version: this.policies.version, findings: new Map() };
    return this.cache;
  }

  /**
   * The cross-file findings of one file (none until the workspace has been read). Computed per
   * file on demand: the editor asks only for the files it shows.
   */
  findingsFor(uri: string): Finding[] {
    if (!this.complete) return [];
    const { findings } = this.derived();
    let list = findings.get(uri);
    if (!list) findings.set(uri, (list = fileChainFindings(this.policies, uri)));
    return list;
  }

  /**
   * What every file's findings share, prepared a step at a time: the caller pauses between steps
   * (see `prepareChainFindings`).
   */
  prepareFindings(): Generator<void, void> {
    return prepareChainFindings(this.policies);
  }

  /**
   * Whether the scan stopped at its limit of files (`MAX_SCANNED_FILES`): a prerequisite not in the
   * index may then be in a file it did not read, so none is reported missing.
   */
  partial = false;

  /**
   * The findings of a partial index, by the list they were taken from (which lives until the next
   * change): the same array at every call, as the re-publisher compares arrays before their contents.
   */
  private readonly withoutMissing = new WeakMap<Finding[], Finding[]>();

  /** What an open document shows: its chain findings, unless the index holds an older version. */
  visibleFindings(doc: PolicyDocument | undefined): Finding[] {
    if (!doc || !this.isCurrent(doc)) return [];
    const findings = this.findingsFor(doc.uri);
    if (!this.partial) return findings;
    let shown = this.withoutMissing.get(findings);
    if (!shown)
      this.withoutMissing.set(
        findings,
        (shown = findings.filter((f) => f.code !== 'chain/missing-prerequisite')),
      );
    return shown;
  }

  /** The indexed files (open documents' included). */
  uris(): string[] {
    return this.policies.all().map((p) => p.uri);
  }

  order(): Ordered<ChainPolicy>[] {
    const d = this.derived();
    return (d.order ??= evaluationOrder(this.policies));
  }

  /** The offset of a position in an indexed file (open documents are indexed at their current version). */
  offsetAt(uri: string, position: Position): number | undefined {
    return this.policies.get(uri)?.lines.offsetAt(position);
  }

  /** A span of an indexed file as an LSP location. */
  locationOf(uri: string, span: Span): Location | undefined {
    const policy = this.policies.get(uri);
    return policy ? { uri, range: toRange(policy.lines, span) } : undefined;
  }
}
