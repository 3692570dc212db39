import type { ArrayNode, AstNode, ObjectNode, PropertyNode } from './ast';

/** Tokens read between two pauses of `validJsonTree`: a few ms of work on these machines. */
const TOKENS_PER_STEP = 20_000;

/** An open container and the property whose value it is (that property ends where it ends). */
interface Frame {
  node: ObjectNode | ArrayNode;
  property: PropertyNode | undefined;
}

/**
 * The positioned tree of a text that `JSON.parse` accepted, built a slice of tokens at a time: the
 * caller pauses between slices (the language server answers requests there). It is the tree the
 * careful parser gives (`parseJsonPositioned`: the same nodes, offsets and ends), read by a scanner
 * that needs no error recovery, since the text is valid JSON. The careful parser is one synchronous
 * visit: on a 4 MB file of 358,775 keys it held the server for about a second.
 */
export function* validJsonTree(
  text: string,
  tokensPerStep = TOKENS_PER_STEP,
): Generator<void, AstNode | null> {
  const n = text.length;
  const stack: Frame[] = [];
  let root: AstNode | null = null;
  /** The property whose key was read and whose value comes next. */
  let property: PropertyNode | undefined;
  /** Inside an object, after `{` or `,`: the next string is a key. */
  let expectKey = false;
  let tokens = 0;
  let i = 0;

  const attach = (node: AstNode): void => {
    const top = stack[stack.length - 1];
    if (!top) root = node;
    else if (property) property.value = node;
    else if (top.node.type === 'array') top.node.items.push(node);
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    // White space: space, line feed, carriage return, tab.
    if (c === 32 || c === 10 || c === 13 || c === 9) {
      i++;
      continue;
    }
    if (++tokens % tokensPerStep === 0) yield;
    const parent = stack[stack.length - 1]?.node;
    if (c === 123 || c === 91) {
      // `{` or `[`
      const node: ObjectNode | ArrayNode =
        c === 123
          ? { type: 'object', properties: [], flow: true, offset: i, end: i - 1, parent }
          : { type: 'array', items: [], flow: true, offset: i, end: i - 1, parent };
      attach(node);
      stack.push({ node, property });
      property = undefined;
      expectKey = c === 123;
      i++;
    } else if (c === 125 || c === 93) {
      // `}` or `]`
      const frame = stack.pop();
      if (frame) {
        frame.node.end = i + 1;
        if (frame.property) frame.property.end = i + 1;
      }
      expectKey = false;
      i++;
    } else if (c === 44) {
      // `,`: the next string of an object is a key.
      expectKey = parent?.type === 'object';
      i++;
    } else if (c === 58) {
      // `:`
      i++;
    } else if (c === 34) {
      const end = stringEnd(text, i);
      const value = stringValue(text, i, end);
      if (expectKey && parent?.type === 'object') {
        property = {
          key: { type: 'string', value, style: 'json', offset: i, end },
          value: null,
          offset: i,
          end: i - 1,
          parent,
        };
        parent.properties.push(property);
        expectKey = false;
      } else {
        attach({ type: 'string', value, style: 'json', offset: i, end, parent });
        if (property) property.end = end;
        property = undefined;
      }
      i = end;
    } else {
      // A number, `true`, `false` or `null`: it runs until a delimiter.
      let end = i + 1;
      for (; end < n; end++) {
        const d = text.charCodeAt(end);
        if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9) break;
      }
      const word = text.slice(i, end);
      if (word === 'true' || word === 'false')
        attach({ type: 'boolean', value: word === 'true', style: 'json', offset: i, end, parent });
      else if (word === 'null') attach({ type: 'null', value: null, style: 'json', offset: i, end, parent });
      else attach({ type: 'number', value: Number(word), style: 'json', offset: i, end, parent });
      if (property) property.end = end;
      property = undefined;
      i = end;
    }
  }
  return root;
}

/** The offset after the closing quote of the string that opens at `start`. */
export function stringEnd(text: string, start: number): number {
  let j = start + 1;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q < 0) return text.length;
    // The quote is escaped when an odd number of backslashes precede it.
    let backslashes = 0;
    for (let k = q - 1; k > start && text.charCodeAt(k) === 92; k--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/** The decoded value of the string token `text[start, end)`. */
export function stringValue(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : raw;
}

/** The whole tree at once. */
export function validJsonTreeNow(text: string): AstNode | null {
  const steps = validJsonTree(text, Number.MAX_SAFE_INTEGER);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
