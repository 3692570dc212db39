import type { ChainIndex } from '../chain';
import { prerequisiteCandidates } from '../chain/navigation';
import { ordinal } from '../chain/order';
import type { Language } from '../parse/ast';
import type { CompletionCandidate } from './candidates';
import { scalarAtCursor, type CursorContext } from './cursor';

/** The cursor is on an entry of `prerequisites` (where the workspace's bundle names fit). */
export function isPrerequisiteEntry(cur: CursorContext): boolean {
  return cur.kind === 'value' && cur.path[0] === 'prerequisites' && typeof cur.path[1] === 'number';
}

/**
 * Completion of a prerequisite entry (`prerequisites[n]`): the names of the workspace's bundles.
 * A name whose bundle already depends on this one would close a cycle: it is still offered (the
 * user may be about to reverse the link) but sorted last, struck through and explained.
 * `positions` gives each bundle's place in the evaluation order (by URI), out of `total`; empty
 * while the order is not known yet.
 */
export function prerequisiteCompletion(
  index: ChainIndex,
  uri: string,
  cur: CursorContext,
  language: Language,
  positions: ReadonlyMap<string, number>,
  total: number,
): CompletionCandidate[] {
  if (!isPrerequisiteEntry(cur)) return [];
  return prerequisiteCandidates(index, uri).map((c): CompletionCandidate => {
    let text = scalarAtCursor(c.name, cur, language);
    if (cur.needsSpace) text = ' ' + text;
    const at = positions.get(c.policy.uri);
    const facts = [c.policy.policyType, at ? `evaluated ${ordinal(at)} of ${total}` : undefined];
    return {
      label: c.name,
      kind: 'reference',
      detail: c.closesCycle
        ? `would close a cycle: "${c.name}" already depends on this policy`
        : facts.filter(Boolean).join(' · '),
      ...(c.closesCycle ? { deprecated: true } : {}),
      sortText: `${c.closesCycle ? 1 : 0}${c.name}`,
      filterText: cur.quote ? `${cur.quote}${c.name}${cur.quote}` : c.name,
      span: cur.span,
      newText: text,
    };
  });
}
