import type { Finding } from '../../core/index';
import type { PolicyDocument } from '../documents';
import type { Runtime } from '../runtime';
import type { WorkspaceIndex } from './workspaceIndex';

/** How long a burst of changes is collected before the other open documents are re-checked. */
const CHANGE_COALESCE_MS = 20;

/** What changes a document's diagnostics: the findings, with their places and links. */
function signature(findings: readonly Finding[]): string {
  return JSON.stringify(findings.map((f) => [f.code, f.message, f.span.start, f.span.end, f.related]));
}

/**
 * The findings a document was given, with their signature once one was needed. Most comparisons
 * need none: the index hands out the same array until something changed (`findingsFor`), and
 * lists of different lengths differ. Computing it for every document on every re-check cost a
 * quarter of the re-check when 5,000 open bundles each had a cycle with twelve links.
 */
interface Given {
  findings: readonly Finding[];
  signature?: string;
}

const NOTHING: Given = { findings: [] };

function sameFindings(given: Given, now: Given): boolean {
  if (given.findings === now.findings) return true;
  if (given.findings.length !== now.findings.length) return false;
  if (!now.findings.length) return true;
  given.signature ??= signature(given.findings);
  now.signature ??= signature(now.findings);
  return given.signature === now.signature;
}

/** What the re-publisher needs from the server around it. */
export interface RepublisherHost {
  runtime: Pick<Runtime, 'setTimeout'>;
  /** The URIs of the open text documents (policies or not), and the policy document of one. */
  openUris(): Iterable<string>;
  document(uri: string): PolicyDocument | undefined;
  /** Recomputes and republishes one document's diagnostics soon. */
  refresh(uri: string): void;
  /** Whether the client can be asked to refresh its lenses (`workspace.codeLens.refreshSupport`). */
  canRefreshLenses(): boolean;
  refreshLenses(): void;
}

/**
 * The re-publisher: after the index changed, the open documents whose chain findings are no longer
 * what they were given are published again, and the client is asked to refresh its lenses when the
 * evaluation order moved. It remembers what the diagnostics provider gave each open document.
 */
export class ChainRepublisher {
  /** What each open document was last given by the diagnostics provider. */
  private readonly given = new Map<string, Given>();
  private lensSignature = '';
  private lensOrder: unknown;
  /** The index stamp the last flush compared every open document at. */
  private flushedAt: string | undefined;
  private flushTimer: unknown;

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly host: RepublisherHost,
  ) {}

  /** Notes the chain findings a document's diagnostics were just computed with. */
  gave(uri: string, findings: readonly Finding[]): void {
    this.given.set(uri, { findings });
  }

  /** A document was closed: it is given nothing any more. */
  forget(uri: string): void {
    this.given.delete(uri);
  }

  /**
   * After the index changed: re-publish every other open document whose chain findings are no
   * longer what it was given, and ask the client to refresh lenses when the order moved.
   */
  changed(): void {
    // Coalesced: a burst of opens or edits re-checks the other documents once, not once per event
    // (which made opening a whole workspace quadratic).
    if (!this.index.isReady || this.flushTimer !== undefined) return;
    // Through the runtime's clock, so that a test's fake clock drives the coalescing too.
    this.flushTimer = this.host.runtime.setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, CHANGE_COALESCE_MS);
  }

  private flush(): void {
    if (!this.index.isReady) return;
    // Nothing any file's findings derive from changed since the last comparison (a burst of opens
    // of files as they are on disk): each document that was analysed was given its own findings.
    const at = this.index.stamp;
    if (at === this.flushedAt) return;
    this.flushedAt = at;
    for (const uri of this.host.openUris()) {
      const now: Given = { findings: this.index.visibleFindings(this.host.document(uri)) };
      const same = sameFindings(this.given.get(uri) ?? NOTHING, now);
      // Kept either way: the next comparison starts from the same array as the index's.
      this.given.set(uri, now);
      if (!same) this.host.refresh(uri);
    }
    // The order only decides whether lenses need a refresh: a client that cannot be asked to
    // refresh them does not make the server sort the workspace after every change.
    if (!this.host.canRefreshLenses()) return;
    // The same order as at the last flush (an edit that kept every chain fact): same lenses.
    const order = this.index.order();
    if (order === this.lensOrder) return;
    this.lensOrder = order;
    const lens = order
      .map((o) => `${o.item.uri} ${o.position} ${o.item.prerequisites.length} ${o.inCycle}`)
      .join('\n');
    if (lens !== this.lensSignature) {
      const first = !this.lensSignature;
      this.lensSignature = lens;
      if (!first) this.host.refreshLenses();
    }
  }
}
