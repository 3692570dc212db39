import type { ArrayNode, AstNode, ObjectNode, StringNode } from './ast';
import { parseJsonPositioned } from './json';
import { stringEnd, stringValue } from './jsonTree';

/**
 * The top level of a positioned tree cut down to a few keys: the root object with only the
 * properties named in `keys` (in their order), each with its whole value. It is what placing a
 * chain finding needs (`name`, `prerequisites`): lint places one in nearly every file of some
 * workspaces, and building the whole tree again for each (a second full parse) was a third of the
 * chain phase there, while keeping every document's tree from the first parse made every major GC
 * of the common case longer.
 *
 * Every node a reader can reach from such a root (a located value, its parent array, the property
 * and its key) has the offsets, styles and values of the full tree; only the root's own `end` may
 * differ, and nothing that places a finding below one of the kept keys reads it.
 */
export type PartialRoot = ObjectNode;

const WHITE = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

function skipWhite(text: string, i: number): number {
  while (i < text.length && WHITE(text.charCodeAt(i))) i++;
  return i;
}

/** A JSON string token as the positioned parser makes it (offsets include the quotes). */
function stringNode(text: string, i: number, parent: ObjectNode | ArrayNode): StringNode {
  const end = stringEnd(text, i);
  return { type: 'string', value: stringValue(text, i, end), style: 'json', offset: i, end, parent };
}

/**
 * The value at `start` with positions: a string or an array of strings (what `name` and
 * `prerequisites` hold) directly, anything else by the positioned parser on the value's slice.
 */
function jsonValue(text: string, start: number, end: number, parent: ObjectNode): AstNode | undefined {
  const c = text.charCodeAt(start);
  if (c === 34) return stringNode(text, start, parent);
  if (c === 91) {
    const arr: ArrayNode = { type: 'array', items: [], flow: true, offset: start, end, parent };
    let i = skipWhite(text, start + 1);
    while (text.charCodeAt(i) === 34) {
      const item = stringNode(text, i, arr);
      arr.items.push(item);
      i = skipWhite(text, item.end);
      if (text.charCodeAt(i) === 44) i = skipWhite(text, i + 1);
    }
    if (i === end - 1) return arr;
  }
  const value = parseJsonPositioned(text.slice(start, end), false).root;
  if (!value) return undefined;
  shift(value, start);
  value.parent = parent;
  return value;
}

/** The offset just after the JSON value that starts at `i` (a valid text: JSON.parse took it). */
function valueEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 34) return stringEnd(text, i);
  if (c === 123 || c === 91) {
    let depth = 0;
    for (let j = i; j < text.length;) {
      const d = text.charCodeAt(j);
      if (d === 34) {
        j = stringEnd(text, j);
        continue;
      }
      if (d === 123 || d === 91) depth++;
      else if ((d === 125 || d === 93) && --depth === 0) return j + 1;
      j++;
    }
    return text.length;
  }
  let j = i;
  for (let d = text.charCodeAt(j); j < text.length && !WHITE(d) && d !== 44 && d !== 125 && d !== 93;)
    d = text.charCodeAt(++j);
  return j;
}

/** Moves every offset of a tree parsed from a slice to where the slice starts. */
function shift(node: AstNode, by: number): void {
  node.offset += by;
  node.end += by;
  if (node.type === 'object')
    for (const p of node.properties) {
      p.offset += by;
      p.end += by;
      p.key.offset += by;
      p.key.end += by;
      if (p.value) shift(p.value, by);
    }
  else if (node.type === 'array') for (const item of node.items) shift(item, by);
}

/**
 * `pruneRoot(parseJsonPositioned(text).root, keys)` for a text that JSON.parse took without
 * duplicate keys (the fast path), without the positioned parse of the whole text: the top level is
 * scanned (strings and brackets only), and only the kept values are parsed with positions, each
 * from its own slice. Undefined when the text's top level is not an object.
 */
export function partialJsonRoot(text: string, keys: ReadonlySet<string>): PartialRoot | undefined {
  let i = skipWhite(text, 0);
  if (text.charCodeAt(i) !== 123) return undefined;
  const root: ObjectNode = { type: 'object', properties: [], flow: true, offset: i, end: i };
  i = skipWhite(text, i + 1);
  while (text.charCodeAt(i) === 34) {
    const keyEnd = stringEnd(text, i);
    const raw = text.slice(i, keyEnd);
    const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
    const colon = skipWhite(text, keyEnd);
    const start = skipWhite(text, colon + 1);
    const end = valueEnd(text, start);
    if (keys.has(key)) {
      const value = jsonValue(text, start, end, root);
      if (!value) return undefined;
      root.properties.push({
        key: { type: 'string', value: key, style: 'json', offset: i, end: keyEnd },
        value,
        offset: i,
        end,
        parent: root,
      });
    }
    i = skipWhite(text, end);
    if (text.charCodeAt(i) === 44) i = skipWhite(text, i + 1);
  }
  root.end = i + 1;
  return root;
}
