import { isAlias, isCollection, isNode, parseAllDocuments, visit, type Node as YNode } from 'yaml';
import type { TextEdit } from '../findings';
import type { AstNode } from '../parse/ast';

/**
 * What replacing the value of a YAML scalar does to the aliases of its anchor
 * (`enforcementMode: &m log` with `*m` elsewhere): the aliases read the anchored value, so a fix
 * made in place would change them too, values the finding never named.
 *
 * - `inPlace`: the value has no anchor, or no alias reads it: the edit is made where it stands (an
 *   unused anchor stays).
 * - `move`: the value is fixed without its anchor, and the first alias that read it becomes the
 *   anchored old value (`&m log`), so every alias keeps the value it had.
 * - `held`: aliases read the value but the anchor cannot move as it is written (a tag, a value on
 *   several lines, a flow collection the value cannot stand in): the fix would change them, so it
 *   is not one `lint --fix` may make; `why` says so.
 */
export type AnchoredReplace =
  | { kind: 'inPlace' }
  | { kind: 'move'; anchor: string; edits: TextEdit[] }
  | { kind: 'held'; anchor: string; why: string };

/** An anchor right before a value, with only spaces between (`&m log`). */
const ANCHOR_BEFORE = /&([^\s,[\]{}]+)\s+$/;
const FLOW_INDICATORS = /[,[\]{}]/;

interface Site {
  name: string;
  start: number;
  end: number;
  flow: boolean;
}

/** `newText` in place of `node`'s value, keeping what every alias of its anchor reads. */
export function replaceAnchored(text: string, node: AstNode, newText: string): AnchoredReplace {
  // Most values have no anchor: that is read off the characters before it, without a copy or a
  // parse (fix-all makes thousands of these edits in one file).
  if (!propertyBefore(text, node.offset)) return { kind: 'inPlace' };
  const before = text.slice(Math.max(0, node.offset - 512), node.offset);
  const doc = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false })[0];
  if (!doc || !('contents' in doc)) return { kind: 'inPlace' };
  let target: { anchor: string; tag?: string } | undefined;
  const anchors: Site[] = [];
  const aliases: Site[] = [];
  visit(doc, {
    Node(_key, n: YNode, path) {
      const range = n.range;
      if (!range) return;
      const parent = [...path].reverse().find((p) => isNode(p) && isCollection(p));
      const flow = !!(parent && isCollection(parent) && parent.flow);
      if (isAlias(n)) aliases.push({ name: n.source, start: range[0], end: range[1], flow });
      else if (n.anchor) {
        anchors.push({ name: n.anchor, start: range[0], end: range[1], flow });
        if (range[0] === node.offset) target = { anchor: n.anchor, ...(n.tag ? { tag: n.tag } : {}) };
      }
    },
  });
  if (!target) return { kind: 'inPlace' };
  const anchor = target.anchor;
  // An alias reads the nearest anchor of its name before it: ours, until the name is defined again.
  const redefined = Math.min(
    ...anchors.filter((a) => a.name === anchor && a.start > node.offset).map((a) => a.start),
  );
  const readers = aliases
    .filter((a) => a.name === anchor && a.start > node.offset && a.start < redefined)
    .sort((a, b) => a.start - b.start);
  if (!readers.length) return { kind: 'inPlace' };
  const first = readers[0];
  const raw = text.slice(node.offset, node.end);
  const m = ANCHOR_BEFORE.exec(before);
  const why = (reason: string): AnchoredReplace => ({
    kind: 'held',
    anchor,
    why: `${readers.length} alias${readers.length === 1 ? '' : 'es'} of &${anchor} would change too, and the anchor cannot move to the first one (${reason})`,
  });
  if (target.tag) return why('the value has a tag');
  if (!m || m[1] !== anchor) return why('something stands between the anchor and the value');
  if (raw.includes('\n')) return why('the value spans several lines');
  if (first.flow && FLOW_INDICATORS.test(raw)) return why('the alias is in a flow collection');
  const anchorStart = node.offset - m[0].length;
  return {
    kind: 'move',
    anchor,
    edits: [
      { start: anchorStart, end: node.end, newText },
      { start: first.start, end: first.end, newText: `&${anchor} ${raw}` },
    ],
  };
}

/** Whether the token before `offset` (past spaces and line breaks) is an anchor or a tag. */
function propertyBefore(text: string, offset: number): boolean {
  let i = offset - 1;
  while (i >= 0 && isSpace(text.charCodeAt(i))) i--;
  if (i === offset - 1) return false;
  while (i >= 0 && !isSpace(text.charCodeAt(i)) && !isFlowIndicator(text.charCodeAt(i))) {
    const c = text.charCodeAt(i);
    if (c === 38 /* & */ || c === 33 /* ! */) return true;
    i--;
  }
  return false;
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
const isFlowIndicator = (c: number) => c === 44 || c === 91 || c === 93 || c === 123 || c === 125;
