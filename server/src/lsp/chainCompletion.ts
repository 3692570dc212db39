import {
  isPrerequisiteEntry,
  prerequisiteCompletion,
  type CompletionCandidate,
  type CursorContext,
} from '../core/index';
import type { ServerContext } from './context';
import type { PolicyDocument } from './documents';

/**
 * The workspace's bundles as candidates of a prerequisite entry. It answers from the index as it
 * stands, without waiting for the workspace scan (which it starts if it has not run yet).
 */
export function prerequisiteCompletionItems(
  ctx: ServerContext,
  doc: PolicyDocument,
  cur: CursorContext,
): CompletionCandidate[] {
  if (!isPrerequisiteEntry(cur)) return [];
  const chain = ctx.chain;
  void chain.scanner.ready();
  chain.index.syncDocument(doc);
  const order = chain.index.isReady ? chain.index.order() : [];
  const positions = new Map(order.map((o) => [o.item.uri, o.position]));
  return prerequisiteCompletion(
    chain.index.policies,
    doc.uri,
    cur,
    doc.analysis.language,
    positions,
    order.length,
  );
}
