import {
  CORE_SCHEMA,
  constructFromEvents,
  getScalarValue,
  parseEvents,
  type Event,
  type ScalarEvent,
} from 'js-yaml';
import type { ArrayNode, AstNode, ObjectNode, PropertyNode, ScalarStyle, StringNode } from './ast';

// js-yaml's event ids and styles (EVENT_ID, SCALAR_STYLE, COLLECTION_STYLE), as plain numbers so the
// hot loop compares small integers.
const DOCUMENT = 1;
const SEQUENCE = 2;
const MAPPING = 3;
const SCALAR = 4;
const ALIAS = 5;
const POP = 6;
const FLOW = 2;
const PLAIN = 1;
const STYLES: Record<number, ScalarStyle> = {
  1: 'plain',
  2: 'single',
  3: 'double',
  4: 'literal',
  5: 'folded',
};

/**
 * The fast YAML path: js-yaml's event parser gives the value and, from the same events, the
 * positioned tree, so a file with a schema error no longer needs the slower second parse by the
 * `yaml` package just to place the finding. The tree is identical to the one of `yaml.ts` (the
 * parse tests compare them); anything it does not model (aliases, complex keys, several
 * documents) returns `undefined` and the careful path takes over.
 */
export interface EventParse {
  value: unknown;
  /** Builds the positioned tree from the kept events (once; the caller caches it). */
  tree(): AstNode | null | undefined;
  /** The root cut down to the top-level `keys`, from the same events (see `partialYamlRoot`). */
  partial(keys: ReadonlySet<string>): ObjectNode | undefined;
}

export function parseYamlEvents(text: string): EventParse | undefined {
  // A `<<` key (YAML 1.1's merge key) is reported by the careful path; the text search is cheap.
  if (text.includes('<<')) return undefined;
  const events = parseEvents(text, {});
  // Anchors and aliases may hide an alias bomb that building the value would expand: the events
  // say exactly where they are (a text search would also stop at `&&` inside a CEL string). An
  // anchor is written with `&` and an alias with `*`, so a text with neither has none, and its
  // events are not read again (they come in five or more shapes, so the loop's reads are slow).
  if (mayHoldAnchors(text))
    for (const e of events)
      if (e.type === ALIAS || ((e as { anchorStart?: number }).anchorStart ?? -1) >= 0) return undefined;
  const docs = constructFromEvents(events, { source: text, schema: CORE_SCHEMA });
  if (docs.length > 1) return undefined;
  // No document at all (only comments) reads as `undefined`, as js-yaml's `load` has it.
  const value = docs.length ? docs[0] : undefined;
  return {
    value,
    tree: () => treeFromEvents(text, events, value),
    partial: (keys) => partialFromEvents(text, events, keys),
  };
}

/** False when the text has no `&` and no `*`: then no anchor and no alias can be in it. */
function mayHoldAnchors(text: string): boolean {
  return text.includes('&') || text.includes('*');
}

/**
 * The positioned root of a text that `parseYamlEvents` took, with only the top-level properties
 * named in `keys` (parse/partial.ts): the events are read again, but only those of the kept
 * properties are constructed and placed. Undefined when the tree would not model them.
 */
export function partialYamlRoot(text: string, keys: ReadonlySet<string>): ObjectNode | undefined {
  return partialFromEvents(text, parseEvents(text, {}), keys);
}

function partialFromEvents(text: string, events: Event[], keys: ReadonlySet<string>): ObjectNode | undefined {
  const kept = topLevelOnly(text, events, keys);
  if (!kept) return undefined;
  const docs = constructFromEvents(kept, { source: text, schema: CORE_SCHEMA });
  const root = treeFromEvents(text, kept, docs[0]);
  return root?.type === 'object' ? root : undefined;
}

/** Whether a key scalar is one of `keys`, without decoding the plain keys (nearly all of them). */
function isKept(text: string, e: ScalarEvent, keys: ReadonlySet<string>): boolean {
  // A plain scalar on one line is its text.
  if (e.style === PLAIN) {
    const nl = text.indexOf('\n', e.valueStart);
    if (nl < 0 || nl >= e.valueEnd) return keys.has(text.slice(e.valueStart, e.valueEnd));
  }
  return keys.has(getScalarValue(text, e));
}

/**
 * The events of a one-document text without those of the top-level properties not named in
 * `keys` (undefined for a key that is not a scalar): a kept property's events are the same as in
 * the whole stream, so its nodes come out with the same offsets (a node's extent depends only on
 * its own events and the text).
 */
function topLevelOnly(text: string, events: Event[], keys: ReadonlySet<string>): Event[] | undefined {
  const out: Event[] = [];
  let depth = 0;
  // At depth 1 inside the root mapping, events alternate: a key scalar, then its value.
  let atKey = true;
  let keep = true;
  for (const e of events) {
    if (e.type === DOCUMENT) {
      out.push(e);
      continue;
    }
    if (depth === 1 && e.type !== POP && atKey) {
      // A key that is not a scalar is one the tree does not model: the caller parses it all.
      if (e.type !== SCALAR) return undefined;
      keep = isKept(text, e as ScalarEvent, keys);
    }
    if (depth <= 0 || keep || (depth === 1 && e.type === POP)) out.push(e);
    if (e.type === MAPPING || e.type === SEQUENCE) {
      if (depth === 1) atKey = false;
      depth++;
    } else if (e.type === POP) {
      depth--;
      if (depth === 1) atKey = true;
    } else if (depth === 1) atKey = !atKey;
  }
  return out;
}

interface Frame {
  node: ObjectNode | ArrayNode;
  key?: StringNode;
}

/**
 * Where a block collection whose last value is missing (`key:`) ends, given the offset just after
 * that colon. The `yaml` package lets such a collection own the comments that follow it: the run
 * of comment and blank lines after the colon (a comment on the colon's own line included) belongs
 * to the collection when it holds at least one comment, up to the next line with content. Without
 * a comment, the collection ends at the colon.
 */
function commentsAfterMissingValue(text: string, from: number): number {
  let i = skipBlank(text, from, false);
  let sawComment = false;
  let end = from;
  for (;;) {
    if (text[i] === '#') sawComment = true;
    else if (i < text.length && text[i] !== '\n' && text[i] !== '\r') break;
    while (i < text.length && text[i] !== '\n') i++;
    if (i < text.length) i++;
    end = i;
    if (i >= text.length) break;
    i = skipBlank(text, i, false);
  }
  return sawComment ? end : from;
}

/** Skips spaces and tabs (and, when `lines` is set, line breaks and comments) from `i`. */
function skipBlank(text: string, i: number, lines: boolean): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) i++;
    else if (lines && (c === 10 || c === 13 || c === 44)) i++;
    else if (lines && c === 35) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else break;
  }
  return i;
}

function scalarRange(text: string, e: ScalarEvent, fallback: number): [number, number] {
  if (e.valueStart < 0) return [fallback, fallback];
  const style = STYLES[e.style];
  if (style === 'single' || style === 'double') return [e.valueStart - 1, e.valueEnd + 1];
  if (style === 'literal' || style === 'folded') {
    // An empty block scalar's extent is not modelled: the careful path places it.
    if (e.indent < 0 || e.valueEnd <= e.valueStart) return [-1, -1];
    // The range starts at the `|` or `>` indicator on the line before the content.
    let i = e.valueStart - 1;
    while (i > 0 && text[i] !== '|' && text[i] !== '>') i--;
    // An explicit indentation indicator (`|2`) is rare, and its blank lines are not modelled.
    if (/^[|>][+-]?\d/.test(text.slice(i, i + 3))) return [-1, -1];
    // It ends with the line break of its last non-blank line; trailing blank lines are not part of
    // it. A line of spaces beyond the block's indentation is not blank: its extra spaces are content.
    let end = e.valueEnd;
    for (;;) {
      const nl = text.lastIndexOf('\n', end - 2);
      const line = text.slice(nl + 1, end).replace(/\r?\n$/, '');
      if (nl + 1 <= e.valueStart || line.trim() !== '' || line.length > e.indent) break;
      end = nl + 1;
    }
    return [i, end];
  }
  return [e.valueStart, e.valueEnd];
}

function treeFromEvents(text: string, events: Event[], value: unknown): AstNode | null | undefined {
  // A carriage return that does not end a line is read differently by the two parsers.
  if (/\r(?!\n)/.test(text)) return undefined;
  const stack: Frame[] = [];
  let root: AstNode | null = null;
  let lastEnd = 0;
  /** Where a missing value sits: after the key's colon and the blanks that follow it. */
  /** Nodes whose text ends with a missing value: their collection ends there, not after the line. */
  const openEnded = new Set<AstNode>();
  const emptyValueAt = (frame: Frame | undefined): number => {
    if (frame?.node.type === 'array' && !frame.node.flow) {
      // An empty item sits after its dash.
      let i = frame.node.items.length ? lastEnd : frame.node.offset;
      while (i < text.length && text[i] !== '-') i = text[i] === '#' ? skipBlank(text, i, true) : i + 1;
      return i < text.length ? skipBlank(text, i + 1, false) : lastEnd;
    }
    if (!frame?.key) return lastEnd;
    let i = skipBlank(text, frame.key.end, false);
    if (text[i] === ':') i = skipBlank(text, i + 1, false);
    return i;
  };
  const attach = (node: AstNode): boolean => {
    const frame = stack[stack.length - 1];
    if (!frame) {
      root = node;
      return true;
    }
    node.parent = frame.node;
    if (frame.node.type === 'array') {
      frame.node.items.push(node);
      return true;
    }
    if (!frame.key) {
      if (node.type !== 'string') return false;
      frame.key = node;
      delete node.parent;
      return true;
    }
    const prop: PropertyNode = {
      key: frame.key,
      value: node,
      offset: frame.key.offset,
      end: node.end,
      parent: frame.node,
    };
    frame.node.properties.push(prop);
    frame.key = undefined;
    return true;
  };
  for (const e of events) {
    switch (e.type) {
      case DOCUMENT:
        break;
      case MAPPING:
      case SEQUENCE: {
        const flow = e.style === FLOW;
        const node: ObjectNode | ArrayNode =
          e.type === MAPPING
            ? { type: 'object', properties: [], flow, offset: e.start, end: e.start }
            : { type: 'array', items: [], flow, offset: e.start, end: e.start };
        stack.push({ node });
        break;
      }
      case SCALAR: {
        const frame = stack[stack.length - 1];
        const isKey = frame?.node.type === 'object' && !frame.key;
        if (e.valueStart < 0 && frame?.key && text[skipBlank(text, frame.key.end, false)] !== ':') {
          // A flow entry without a colon (`{a, b}`) has no value node at all.
          const obj = frame.node as ObjectNode;
          obj.properties.push({
            key: frame.key,
            value: null,
            offset: frame.key.offset,
            end: frame.key.end,
            parent: obj,
          });
          frame.key = undefined;
          break;
        }
        const [offset, end] = scalarRange(text, e, emptyValueAt(frame));
        if (offset < 0) return undefined;
        const style = STYLES[e.style] ?? 'plain';
        // Keys and quoted scalars are strings; other values get their type from the constructed value.
        const node: StringNode = {
          type: 'string',
          value: isKey ? getScalarValue(text, e) : '',
          style,
          offset,
          end,
        };
        if (e.valueStart >= 0) lastEnd = end;
        else openEnded.add(node);
        if (!attach(node)) return undefined;
        break;
      }
      case POP: {
        const frame = stack.pop();
        if (!frame) break;
        if (frame.key) return undefined;
        const node = frame.node;
        const children = node.type === 'object' ? node.properties : node.items;
        const last = children[children.length - 1];
        if (node.flow) {
          let i = skipBlank(text, last ? last.end : node.offset + 1, true);
          while (i < text.length && text[i] !== ']' && text[i] !== '}') i = skipBlank(text, i + 1, true);
          node.end = Math.min(text.length, i + 1);
        } else {
          // A block collection ends after the line break that ends its last entry (and its comment).
          let i = last ? last.end : node.offset;
          // An entry whose value is missing (`key:` at the end) ends at its colon, line break excluded.
          const lastNode = last && 'key' in last ? last.value : (last as AstNode | undefined);
          const emptyLast = !!lastNode && openEnded.has(lastNode);
          if (emptyLast) {
            openEnded.add(node);
            i = commentsAfterMissingValue(text, i);
          }
          if (text[i - 1] !== '\n' && !emptyLast) {
            i = skipBlank(text, i, false);
            if (text[i] === '#') while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
            if (text[i] === '\r') i++;
            if (text[i] === '\n') i++;
          }
          node.end = i;
        }
        lastEnd = node.end;
        if (!attach(node)) return undefined;
        break;
      }
      default:
        // Aliases are kept off the fast path by the caller; anything else is not modelled.
        return undefined;
    }
  }
  if (root) fill(root, value);
  return root;
}

/** Gives scalar nodes the values (and types) js-yaml constructed for them. */
function fill(node: AstNode, value: unknown): void {
  if (node.type === 'object') {
    const obj = (value ?? {}) as Record<string, unknown>;
    for (const p of node.properties) if (p.value) fill(p.value, obj[p.key.value]);
    return;
  }
  if (node.type === 'array') {
    const arr = Array.isArray(value) ? value : [];
    node.items.forEach((item, i) => fill(item, arr[i]));
    return;
  }
  if (node.type === 'alias') return;
  const scalar = node as unknown as { type: string; value: unknown };
  if (typeof value === 'string') {
    scalar.type = 'string';
    scalar.value = value;
  } else if (typeof value === 'number' || typeof value === 'bigint') {
    scalar.type = 'number';
    scalar.value = Number(value);
  } else if (typeof value === 'boolean') {
    scalar.type = 'boolean';
    scalar.value = value;
  } else if (value === null || value === undefined) {
    scalar.type = 'null';
    scalar.value = null;
  } else {
    scalar.type = 'string';
    scalar.value = String(value);
  }
}
