import type { TextEdit } from '../findings';
import { scalarText } from '../edit/serialize';
import { locate } from '../parse';
import type { Span } from '../text';
import { ordinal, type Ordered } from './order';
import { isOnName, nameSpan, prerequisiteAt, prerequisiteSpan, type ChainPolicy } from './policy';
import type { ChainIndex } from './workspace';

/** A place in a file of the workspace. */
export interface ChainLocation {
  uri: string;
  span: Span;
}

/**
 * The policy name under the cursor: on the bundle's own `name`, or on a prerequisite that names
 * a bundle of the workspace (directly or through a live id). What definition, references and
 * rename start from.
 */
export function policyNameAt(
  index: ChainIndex,
  uri: string,
  offset: number,
): { name: string; span: Span; onDeclaration: boolean } | undefined {
  const policy = index.get(uri);
  if (!policy) return undefined;
  if (policy.name && isOnName(policy, offset))
    return { name: policy.name, span: nameSpan(policy)!, onDeclaration: true };
  const entry = prerequisiteAt(policy, offset);
  if (!entry) return undefined;
  const r = index.resolve(policy, entry.ref);
  if (r.status === 'workspace') return { name: r.name, span: entry.span, onDeclaration: false };
  if (r.status === 'self' && policy.name)
    return { name: policy.name, span: entry.span, onDeclaration: false };
  return undefined;
}

/** Go to definition on a prerequisite: the `name` of each bundle it names. */
export function chainDefinition(index: ChainIndex, uri: string, offset: number): ChainLocation[] {
  const at = policyNameAt(index, uri, offset);
  if (!at || at.onDeclaration) return [];
  return index.withName(at.name).map((p) => ({ uri: p.uri, span: nameSpan(p) ?? { start: 0, end: 0 } }));
}

/** Every prerequisite entry, in every bundle, that points at `name`. */
export function prerequisiteEntries(index: ChainIndex, name: string): ChainLocation[] {
  const out: ChainLocation[] = [];
  for (const p of index.all())
    for (const { ref, index: i } of p.prerequisites) {
      const r = index.resolve(p, ref);
      const hit = (r.status === 'workspace' && r.name === name) || (r.status === 'self' && p.name === name);
      if (!hit) continue;
      const span = prerequisiteSpan(p, i);
      if (span) out.push({ uri: p.uri, span });
    }
  return out;
}

/** Find references on a policy name: the entries of every dependent, and the declarations if asked. */
export function chainReferences(
  index: ChainIndex,
  uri: string,
  offset: number,
  includeDeclaration: boolean,
): ChainLocation[] {
  const at = policyNameAt(index, uri, offset);
  if (!at) return [];
  const decls = includeDeclaration
    ? index.withName(at.name).map((p) => ({ uri: p.uri, span: nameSpan(p) ?? { start: 0, end: 0 } }))
    : [];
  return [...decls, ...prerequisiteEntries(index, at.name)];
}

function replaceString(policy: ChainPolicy, path: (string | number)[], value: string): TextEdit | undefined {
  const { node, depth } = locate(policy.doc.root, path);
  if (depth !== path.length || node?.type !== 'string') return undefined;
  return { start: node.offset, end: node.end, newText: scalarText(value, policy.doc.language, node.style) };
}

/**
 * Renaming a policy: its `name` in every bundle that declares it, and every prerequisite that
 * names it (entries that refer to it by live id stay as they are: the id does not change).
 * Returns edits per URI, or a reason the rename cannot happen.
 */
export function chainRename(
  index: ChainIndex,
  uri: string,
  offset: number,
  newName: string,
): { edits: Record<string, TextEdit[]> } | { error: string } | undefined {
  const at = policyNameAt(index, uri, offset);
  if (!at) return undefined;
  if (!newName.trim()) return { error: 'a policy name cannot be empty' };
  if (newName !== at.name && index.withName(newName).length)
    return { error: `a policy named "${newName}" already exists in the workspace` };
  const edits: Record<string, TextEdit[]> = {};
  const push = (u: string, e: TextEdit | undefined) => {
    if (e) (edits[u] ??= []).push(e);
  };
  for (const p of index.withName(at.name)) push(p.uri, replaceString(p, ['name'], newName));
  for (const p of index.all())
    for (const { ref, index: i } of p.prerequisites)
      if (ref === at.name) push(p.uri, replaceString(p, ['prerequisites', i], newName));
  for (const list of Object.values(edits)) list.sort((a, b) => a.start - b.start);
  return { edits };
}

/** A name the prerequisite completion offers, and whether choosing it would close a cycle. */
export interface PrerequisiteCandidate {
  name: string;
  policy: ChainPolicy;
  closesCycle: boolean;
}

/**
 * The workspace's policy names that `uri`'s bundle could list as prerequisites: not itself, not
 * one already listed. A name whose bundle already depends on this one (directly or further up)
 * would close a cycle and is marked so.
 */
export function prerequisiteCandidates(index: ChainIndex, uri: string): PrerequisiteCandidate[] {
  const self = index.get(uri);
  const listed = new Set(self?.prerequisites.map((p) => p.ref) ?? []);
  const downstream = new Set<string>();
  if (self?.name) {
    const queue = [self.name];
    for (let head = 0; head < queue.length; head++)
      for (const d of index.dependentsOf(queue[head]))
        if (d.name && !downstream.has(d.name)) {
          downstream.add(d.name);
          queue.push(d.name);
        }
  }
  const out: PrerequisiteCandidate[] = [];
  for (const name of index.names()) {
    if (name === self?.name || listed.has(name)) continue;
    out.push({ name, policy: index.withName(name)[0], closesCycle: downstream.has(name) });
  }
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The lens on a bundle's name: `evaluated 3rd of 12 · 2 prerequisites · 1 dependent`. */
export function chainLens(
  index: ChainIndex,
  order: readonly Ordered<ChainPolicy>[],
  uri: string,
): { span: Span; title: string } | undefined {
  const policy = index.get(uri);
  const span = policy && nameSpan(policy);
  if (!policy?.name || !span) return undefined;
  const placed = order.find((o) => o.item.uri === uri);
  const where = placed ? `evaluated ${ordinal(placed.position)} of ${order.length}` : `not ordered`;
  const cycle = placed?.inCycle ? ' (on a cycle)' : '';
  const title = `${where}${cycle} · ${plural(policy.prerequisites.length, 'prerequisite')} · ${plural(index.dependentsOf(policy.name).length, 'dependent')}`;
  return { span, title };
}
