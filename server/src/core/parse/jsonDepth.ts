import { MAX_YAML_DEPTH } from './depth';

/**
 * The nesting a JSON document may have: the YAML bound, so that one limit holds for every policy
 * file. `JSON.parse` takes any depth, but the careful parser (jsonc-parser's visitor), the readers
 * of the positioned tree, the validation and the fixes recurse once or more per level, and where
 * they ran out of stack depended on the process: 5,000 nested arrays were `parse/too-deep` in
 * `dist/cli.js lint` and schema findings in the language server.
 */
export const MAX_JSON_DEPTH = MAX_YAML_DEPTH;

const LF = 10;
const CR = 13;
const DQUOTE = 34;
const SLASH = 47;
const STAR = 42;

/** What the count reads outside strings and comments; what ends a string or escapes in it. */
const TOKEN = /[[\]{}"/]/g;
const IN_STRING = /["\\\n\r]/g;

/**
 * Where the nesting of a JSON text first passes `limit`: the offset of the `[` or `{` that opens the
 * level too many; -1 if it never does. One pass, allocating a stack of `limit` bytes.
 *
 * The text may be broken (the careful path reads it), so the count has to hold at least the depth
 * jsonc-parser reaches in it. Strings and comments are skipped as its scanner skips them: a string
 * ends at its quote or before a line break, and a backslash takes the next character whatever it
 * is; a line comment runs to the line end, a block comment to its closing star and slash or to the
 * end of the text. An opening bracket is always counted; a closing one closes the innermost open
 * collection only if it matches it. jsonc-parser's recovery can skip an opening bracket (never
 * counted by it, counted here) but never a closing one that matches its innermost collection, so
 * the collections it holds open are always among the ones counted here.
 */
export function jsonDepthCrossing(text: string, limit = MAX_JSON_DEPTH): number {
  const n = text.length;
  /** 1 for an open array, 2 for an open object, one per level. */
  const kinds = new Uint8Array(limit + 1);
  let depth = 0;
  TOKEN.lastIndex = 0;
  while (TOKEN.test(text)) {
    const i = TOKEN.lastIndex - 1;
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123) {
      if (depth === limit) return i;
      kinds[depth++] = c === 91 ? 1 : 2;
    } else if (c === 93 || c === 125) {
      if (depth > 0 && kinds[depth - 1] === (c === 93 ? 1 : 2)) depth--;
    } else if (c === DQUOTE) {
      TOKEN.lastIndex = stringEnd(text, i + 1);
    } else {
      // A slash: a comment, or a character jsonc-parser reports and steps over.
      const d = text.charCodeAt(i + 1);
      if (d === SLASH) {
        TOKEN.lastIndex = lineEnd(text, i + 2);
      } else if (d === STAR) {
        const close = text.indexOf('*/', i + 2);
        TOKEN.lastIndex = close < 0 ? n : close + 2;
      }
    }
  }
  return -1;
}

/** The offset after a string whose text starts at `from`: after its quote, or at its line break. */
function stringEnd(text: string, from: number): number {
  IN_STRING.lastIndex = from;
  while (IN_STRING.test(text)) {
    const k = IN_STRING.lastIndex - 1;
    const c = text.charCodeAt(k);
    if (c === DQUOTE) return k + 1;
    if (c === LF || c === CR) return k;
    IN_STRING.lastIndex = k + 2;
  }
  return text.length;
}

/** The offset of the first line break from `from` on, or the end of the text. */
function lineEnd(text: string, from: number): number {
  for (let k = from; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === LF || c === CR) return k;
  }
  return text.length;
}
