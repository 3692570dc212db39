import type { Language, PathSegment } from '../parse/ast';
import type { Span } from '../text';
import { scalarText } from '../edit/serialize';

/**
 * Where the cursor is in a policy document, for completion: typing a key into the mapping at `path`,
 * or a value at `path`. It is computed from the text alone by one forward scan, because while the
 * user types the document is often unparsable (`polic` on a new line, `policyType:` with nothing
 * after it) and the parsers then return a tree that has lost the line being typed.
 */
export interface CursorContext {
  kind: 'key' | 'value';
  /** `key`: the path of the mapping the key goes into. `value`: the path of the value itself. */
  path: PathSegment[];
  /** The token under the cursor (with its quotes), replaced by a completion; empty when none. */
  span: Span;
  /** What is typed of the token before the cursor, without the quote. */
  prefix: string;
  quote?: '"' | "'";
  /** `block` YAML, or `flow` (YAML flow collections and JSON). */
  style: 'block' | 'flow';
  /** Block style: the column where the key or item being typed starts. */
  column: number;
  /** A block value typed directly after `key:` without a space. */
  needsSpace?: boolean;
  /** A block value right after `- `: the item may also be a mapping, whose keys fit as well. */
  sequenceItem?: boolean;
}

interface Frame {
  col: number;
  seg: PathSegment;
  item: boolean;
}

interface FlowFrame {
  map: boolean;
  key?: string;
  afterColon: boolean;
  index: number;
  /** A whole value was read since the last comma: a new member or item starts after a comma. */
  done?: boolean;
}

const KEY_LINE = /^((?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"\-?:,[\]{}][^#]*?|-[^\s#][^#]*?))\s*:(?=\s|$)/;

function unquote(s: string): string {
  const t = s.trim();
  if (t.startsWith('"') && t.endsWith('"') && t.length >= 2) {
    try {
      return JSON.parse(t) as string;
    } catch {
      return t.slice(1, -1);
    }
  }
  if (t.startsWith("'") && t.endsWith("'") && t.length >= 2) return t.slice(1, -1).replace(/''/g, "'");
  return t;
}

/** The scalar token around `offset` on its line: start, end and the quote it opened with. */
function tokenAround(
  text: string,
  offset: number,
  lineStart: number,
  flow: boolean,
): { span: Span; quote?: '"' | "'" } {
  const stop = flow ? /[\s,[\]{}:"']/ : /[\s:#"']/;
  let start = offset;
  while (start > lineStart && !stop.test(text[start - 1])) start--;
  let end = offset;
  while (end < text.length && !stop.test(text[end]) && text[end] !== '\n') end++;
  const before = text[start - 1];
  if (start > lineStart && (before === '"' || before === "'")) {
    const quote = before;
    if (text[end] === quote) end++;
    return { span: { start: start - 1, end }, quote };
  }
  return { span: { start, end } };
}

/** Scans a flow collection (or JSON) from `start`; the context when the cursor is inside it. */
function scanFlow(
  text: string,
  start: number,
  offset: number,
  base: PathSegment[],
  language: Language,
): { ctx?: CursorContext; end: number } {
  const stack: FlowFrame[] = [];
  let i = start;
  const pathOfStack = (): PathSegment[] => {
    const out = [...base];
    for (let k = 0; k < stack.length - 1; k++) {
      const f = stack[k];
      out.push(f.map ? (f.key ?? '') : f.index);
    }
    return out;
  };
  const contextHere = (): CursorContext | undefined => {
    const top = stack[stack.length - 1];
    if (!top) return undefined;
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    const tok = tokenAround(text, offset, lineStart, true);
    const prefix = text.slice(tok.span.start + (tok.quote ? 1 : 0), offset);
    const path = pathOfStack();
    const common = { span: tok.span, prefix, quote: tok.quote, style: 'flow' as const, column: 0 };
    // Past a whole value without a comma yet (`"name": "x"` then a new line): a new member or item,
    // which completion separates with the comma it needs (completion.ts).
    if (top.done && tok.span.start === tok.span.end)
      return top.map
        ? { kind: 'key', path, ...common }
        : { kind: 'value', path: [...path, top.index + 1], ...common };
    if (top.map && !top.afterColon) return { kind: 'key', path, ...common };
    if (top.map) return { kind: 'value', path: [...path, top.key ?? ''], ...common };
    return { kind: 'value', path: [...path, top.index], ...common };
  };
  while (i < text.length) {
    if (i >= offset) return { ctx: contextHere(), end: i };
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === '#' && language === 'yaml' && /\s/.test(text[i - 1] ?? ' ')) {
      const nl = text.indexOf('\n', i);
      if (nl < 0 || nl >= offset) return { ctx: undefined, end: offset };
      i = nl + 1;
      continue;
    }
    if (c === '{' || c === '[') {
      stack.push({ map: c === '{', afterColon: false, index: 0 });
      i++;
      continue;
    }
    if (c === '}' || c === ']') {
      stack.pop();
      i++;
      if (!stack.length) return { end: i };
      const parent = stack[stack.length - 1];
      if (!parent.map || parent.afterColon) parent.done = true;
      continue;
    }
    if (c === ',') {
      if (top?.map) {
        top.key = undefined;
        top.afterColon = false;
      } else if (top) top.index++;
      if (top) top.done = false;
      i++;
      continue;
    }
    if (c === ':') {
      if (top?.map) top.afterColon = true;
      i++;
      continue;
    }
    // A scalar: quoted, or plain up to the next indicator.
    let j = i;
    if (c === '"' || c === "'") {
      j++;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' && c === '"' ? 2 : 1;
      j++;
    } else {
      while (
        j < text.length &&
        !/[,[\]{}\n]/.test(text[j]) &&
        !(text[j] === ':' && /[\s,[\]{}]/.test(text[j + 1] ?? ' '))
      )
        j++;
      while (j > i && /\s/.test(text[j - 1])) j--;
    }
    if (offset <= j && offset > i) return { ctx: contextHere(), end: offset };
    if (top?.map && !top.afterColon) top.key = unquote(text.slice(i, j));
    else if (top) top.done = true;
    i = Math.max(j, i + 1);
  }
  return { ctx: stack.length ? contextHere() : undefined, end: text.length };
}

/** The completion context at `offset`, or undefined where nothing can be completed (a comment). */
export function cursorContext(text: string, offset: number, language: Language): CursorContext | undefined {
  if (language === 'json') return scanFlow(text, 0, offset, [], language).ctx;
  const frames: Frame[] = [];
  let pos = 0;
  let scalarCol = -1;
  while (pos <= text.length) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl < 0 ? text.length : nl;
    const onCursorLine = offset >= pos && offset <= lineEnd;
    const line = text.slice(pos, onCursorLine ? offset : lineEnd).replace(/\r$/, '');
    const indent = /^[ \t]*/.exec(line)![0].length;
    const content = line.slice(indent);
    // Lines of a block scalar (`key: |`) belong to it, however they look.
    if (scalarCol >= 0 && !onCursorLine && (content === '' || indent > scalarCol)) {
      pos = lineEnd + 1;
      continue;
    }
    scalarCol = -1;
    if (!onCursorLine && (content === '' || content.startsWith('#') || /^(---|\.\.\.)(\s|$)/.test(content))) {
      pos = lineEnd + 1;
      continue;
    }
    if (content.startsWith('#')) return undefined;
    let col = indent;
    let rest = content;
    const pop = (c: number) => {
      while (frames.length && frames[frames.length - 1].col >= c) {
        const top = frames[frames.length - 1];
        // A sequence may sit at the column of the key that owns it (`key:` then `- item`).
        if (!top.item && top.col === c && /^-(\s|$)/.test(rest)) break;
        frames.pop();
      }
    };
    if (onCursorLine && content === '') {
      pop(col);
      return {
        kind: 'key',
        path: frames.map((f) => f.seg),
        span: tokenAround(text, offset, pos, false).span,
        prefix: '',
        style: 'block',
        column: col,
      };
    }
    // Sequence dashes at the start of the line, each one a level of nesting.
    let dash = /^-(\s+|$)/.exec(rest);
    while (dash) {
      while (frames.length && frames[frames.length - 1].col > col) frames.pop();
      const top = frames[frames.length - 1];
      if (top?.item && top.col === col) top.seg = (top.seg as number) + 1;
      else frames.push({ col, seg: 0, item: true });
      col += dash[0].length;
      rest = rest.slice(dash[0].length);
      if (onCursorLine && !rest.trim() && !dash[1]) break;
      dash = /^-(\s+|$)/.exec(rest);
    }
    const lastIsDash = /^-/.test(content) && col > indent;
    if (!/^-(\s|$)/.test(rest)) pop(col);
    const key = KEY_LINE.exec(rest);
    if (onCursorLine && !key) {
      if (rest.startsWith('{') || rest.startsWith('[')) {
        const base = frames.map((f) => f.seg);
        return scanFlow(text, pos + col, offset, base, language).ctx;
      }
      const tok = tokenAround(text, offset, pos, false);
      const prefix = text.slice(tok.span.start + (tok.quote ? 1 : 0), offset);
      const atItem = lastIsDash && tok.span.start - pos <= col;
      if (atItem)
        return {
          kind: 'value',
          path: frames.map((f) => f.seg),
          span: tok.span,
          prefix,
          quote: tok.quote,
          style: 'block',
          column: col,
          sequenceItem: true,
        };
      return {
        kind: 'key',
        path: frames.slice(0, frames.length).map((f) => f.seg),
        span: tok.span,
        prefix,
        quote: tok.quote,
        style: 'block',
        column: col,
      };
    }
    if (!key && (rest.startsWith('{') || rest.startsWith('['))) {
      // A flow collection that is the document or an item and spans lines (`{` alone on the first
      // line): the cursor below it is inside it, in flow style (a field test found block keys
      // completed into `{ name: x, … }`).
      const scanned = scanFlow(
        text,
        pos + col,
        Math.max(offset, pos + col),
        frames.map((f) => f.seg),
        language,
      );
      if (scanned.ctx && scanned.end >= offset) return scanned.ctx;
      const after = text.indexOf('\n', scanned.end);
      pos = after < 0 ? text.length + 1 : after + 1;
      continue;
    }
    if (!key) {
      // A line that is neither a key nor an item (a scalar continuation, or broken text).
      pos = lineEnd + 1;
      continue;
    }
    const keyName = unquote(key[1]);
    const valueStart = col + key[0].length;
    const value = rest.slice(key[0].length);
    const valueTrim = value.trimStart();
    const valueCol = valueStart + (value.length - valueTrim.length);
    if (valueTrim.startsWith('{') || valueTrim.startsWith('[')) {
      const base = [...frames.map((f) => f.seg), keyName];
      const flowStart = pos + valueCol;
      const scanned = scanFlow(
        text,
        flowStart,
        onCursorLine ? offset : Math.max(offset, flowStart),
        base,
        language,
      );
      if (scanned.ctx && scanned.end >= offset) return scanned.ctx;
      if (onCursorLine) return undefined;
      // Continue after the flow collection, which may span lines.
      const after = text.indexOf('\n', scanned.end);
      pos = after < 0 ? text.length + 1 : after + 1;
      continue;
    }
    if (onCursorLine) {
      const tok = tokenAround(text, offset, pos + valueCol, false);
      const start = Math.max(tok.span.start, pos + valueCol);
      return {
        kind: 'value',
        path: [...frames.map((f) => f.seg), keyName],
        span: { start, end: Math.max(start, tok.span.end) },
        prefix: text.slice(start + (tok.quote ? 1 : 0), offset),
        quote: tok.quote,
        style: 'block',
        column: col,
        needsSpace: value === '',
      };
    }
    if (/^[|>]/.test(valueTrim)) scalarCol = col;
    else if (valueTrim === '' || valueTrim.startsWith('#') || /^[&!]/.test(valueTrim))
      frames.push({ col, seg: keyName, item: false });
    pos = lineEnd + 1;
  }
  return undefined;
}

/** A scalar as it is typed at the cursor: in the quotes the user opened, or plain YAML. */
export function scalarAtCursor(v: unknown, cur: CursorContext, language: Language): string {
  return scalarText(v, language, cur.quote === '"' ? 'double' : cur.quote === "'" ? 'single' : 'plain');
}
