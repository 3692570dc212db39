import type { Finding, ResolveLiveId } from '../../core/index';
import type { PolicyDocument } from '../documents';
import { ChainRepublisher, type RepublisherHost } from './republisher';
import { WorkspaceScanner, type ScannerHost } from './scanner';
import { WorkspaceIndex } from './workspaceIndex';

/**
 * The workspace's prerequisite chain in three parts, created once by `startServer` and handed to the
 * features through the server context: the scanner fills the index from disk, the index holder owns
 * the `ChainIndex` and what is derived from it, and the re-publisher re-checks the other open
 * documents after a change.
 */
export interface WorkspaceChain {
  readonly scanner: WorkspaceScanner;
  readonly index: WorkspaceIndex;
  readonly republisher: ChainRepublisher;
}

export function createWorkspaceChain(host: {
  openDocuments(): readonly PolicyDocument[];
  scanner: Omit<ScannerHost, 'changed'>;
  republisher: RepublisherHost;
}): WorkspaceChain {
  const index = new WorkspaceIndex(host.openDocuments);
  const republisher = new ChainRepublisher(index, host.republisher);
  const scanner = new WorkspaceScanner(index, { ...host.scanner, changed: () => republisher.changed() });
  return { scanner, index, republisher };
}

/** The diagnostics provider: a document's chain findings, noting what it was given. */
export function provideChainFindings(chain: WorkspaceChain, doc: PolicyDocument): Finding[] {
  if (!chain.index.isReady) {
    void chain.scanner.ready();
    return [];
  }
  chain.index.syncDocument(doc);
  // Findings placed on an earlier version of the text would land in the wrong place.
  const findings = chain.index.visibleFindings(doc);
  chain.republisher.gave(doc.uri, findings);
  chain.republisher.changed();
  return findings;
}

/** Waits for the index and brings the open documents up to date: what every request does first. */
export async function currentIndex(chain: WorkspaceChain): Promise<WorkspaceIndex> {
  await chain.scanner.ready();
  chain.index.syncOpenDocuments();
  chain.republisher.changed();
  return chain.index;
}

/** Connects (or, with `undefined`, disconnects) the live org; see `WorkspaceIndex.setLiveResolvers`. */
export function setLiveResolvers(
  chain: WorkspaceChain,
  resolve: ResolveLiveId | undefined,
  resolveName?: ResolveLiveId,
): void {
  chain.index.setLiveResolvers(resolve, resolveName);
  chain.republisher.changed();
}
