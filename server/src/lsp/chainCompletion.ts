import { CompletionItemKind, CompletionItemTag, type CompletionItem } from 'vscode-languageserver';
import { ordinal, prerequisiteCandidates, scalarText } from '../core/index';
import { chainOf } from './chainWorkspace';
import type { ServerContext } from './context';
import { toRange } from './convert';
import type { CursorContext } from './cursor';
import type { PolicyDocument } from './documents';

/**
 * Completion of a prerequisite entry (`prerequisites[n]`): the names of the workspace's bundles.
 * A name whose bundle already depends on this one would close a cycle: it is still offered (the
 * user may be about to reverse the link) but sorted last, struck through and explained. It answers
 * from the index as it stands, without waiting for the workspace scan.
 */
export function prerequisiteCompletionItems(
  ctx: ServerContext,
  doc: PolicyDocument,
  cur: CursorContext,
): CompletionItem[] {
  if (cur.kind !== 'value' || cur.path[0] !== 'prerequisites' || typeof cur.path[1] !== 'number') return [];
  const chain = chainOf(ctx);
  void chain.ready();
  chain.syncDocument(doc);
  const order = chain.isReady ? chain.order() : [];
  const position = new Map(order.map((o) => [o.item.uri, o.position]));
  const json = doc.analysis.language === 'json';
  const range = toRange(doc.lines, cur.span);
  return prerequisiteCandidates(chain.index, doc.uri).map((c): CompletionItem => {
    let text: string;
    if (json || cur.quote === '"') text = JSON.stringify(c.name);
    else if (cur.quote === "'") text = scalarText(c.name, 'yaml', 'single');
    else text = scalarText(c.name, 'yaml');
    if (cur.needsSpace) text = ' ' + text;
    const at = position.get(c.policy.uri);
    const facts = [c.policy.policyType, at ? `evaluated ${ordinal(at)} of ${order.length}` : undefined];
    return {
      label: c.name,
      kind: CompletionItemKind.Reference,
      detail: c.closesCycle
        ? `would close a cycle: "${c.name}" already depends on this policy`
        : facts.filter(Boolean).join(' · '),
      ...(c.closesCycle ? { tags: [CompletionItemTag.Deprecated] } : {}),
      sortText: `${c.closesCycle ? 1 : 0}${c.name}`,
      filterText: cur.quote ? `${cur.quote}${c.name}${cur.quote}` : c.name,
      textEdit: { range, newText: text },
    };
  });
}
