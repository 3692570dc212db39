import type { AstNode, Language } from './ast';
import { parseYamlEvents } from './events';
import { validJsonTree, validJsonTreeNow } from './jsonTree';

export interface FastParse {
  value: unknown;
  /** The positioned tree, built on demand; undefined when it must come from the careful parser. */
  tree?: () => AstNode | null | undefined;
  /** The same tree a slice at a time (see `validJsonTree`), where it can be built so. */
  treeInSteps?: () => Generator<void, AstNode | null>;
}

/**
 * The hot path: most policy files are valid, and a valid file needs no positions. So the value is
 * first read with the fastest parsers (JSON.parse, js-yaml); only a file with something to report
 * pays for the positioned parse. Anything unusual (anchors, a parse error, a duplicate key) returns
 * `undefined`, and the caller takes the careful path that reports it.
 */
export function parseFast(text: string, language: Language): FastParse | undefined {
  try {
    if (language === 'json') {
      const value: unknown = JSON.parse(text);
      if (needsCarefulJsonParse(text)) return undefined;
      // Positions come from the text, which is valid JSON, a slice at a time if the caller wants.
      return { value, tree: () => validJsonTreeNow(text), treeInSteps: () => validJsonTree(text) };
    }
    // More than one document is reported by the careful path. A `---` line that opens the text
    // starts its only document; the search starts after it (at a line start), without a copy.
    const lead = LEADING_MARKER.exec(text);
    DOCUMENT_MARKER.lastIndex = lead ? lead[0].length : 0;
    if (DOCUMENT_MARKER.test(text)) return undefined;
    // The same events give the positioned tree later, when a finding has to be placed (events.ts).
    const parsed = parseYamlEvents(text);
    return parsed && { value: parsed.value, tree: parsed.tree };
  } catch {
    return undefined;
  }
}

const LEADING_MARKER = /^---\s*\n/;
/** A line that starts or ends a document (`lastIndex` says where the search starts). */
const DOCUMENT_MARKER = /^(---|\.\.\.)\s*$/gm;

/** Nesting deeper than this takes the careful path (a policy is a few levels deep). */
const MAX_FAST_DEPTH = 500;

/**
 * Whether a text JSON.parse took needs the careful parser: a key twice in one object (JSON.parse
 * keeps the last of duplicate keys silently), or a nesting deeper than MAX_FAST_DEPTH. The text
 * is valid JSON here (JSON.parse took it), so a key is a string followed by white space and a colon,
 * and the braces and brackets outside strings open and close the objects and arrays. (Counting the
 * keys of the parsed value instead took a quarter of a second on an object of 358,775 keys: V8
 * enumerates such an object slowly.)
 */
function needsCarefulJsonParse(text: string): boolean {
  // Each open object's keys so far; undefined for an open array.
  const open: (Set<string> | undefined)[] = [];
  const n = text.length;
  for (let i = 0; i < n;) {
    const c = text.charCodeAt(i);
    if (c === 123 || c === 91) {
      // Deeper than any policy: the careful parser reports a nesting its stack cannot hold
      // (`parse/too-deep`), and the readers of the tree, which recurse, never see it.
      if (open.length === MAX_FAST_DEPTH) return true;
      open.push(c === 123 ? new Set() : undefined);
    } else if (c === 125 || c === 93) open.pop();
    else if (c === 34) {
      // The string's closing quote: a backslash escapes the character after it.
      let j = i + 1;
      let escaped = false;
      for (let d = text.charCodeAt(j); j < n && d !== 34; d = text.charCodeAt(j)) {
        if (d === 92) {
          escaped = true;
          j += 2;
        } else j++;
      }
      j++;
      let k = j;
      let d = text.charCodeAt(k);
      while (d === 32 || d === 10 || d === 13 || d === 9) d = text.charCodeAt(++k);
      const keys = open[open.length - 1];
      if (d === 58 && keys) {
        const key = escaped ? (JSON.parse(text.slice(i, j)) as string) : text.slice(i + 1, j - 1);
        if (keys.has(key)) return true;
        keys.add(key);
      }
      i = k;
      continue;
    }
    i++;
  }
  return false;
}
