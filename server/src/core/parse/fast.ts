import type { AstNode, Language } from './ast';
import { yamlMayNestDeeper } from './depth';
import { parseYamlEvents } from './events';
import { MAX_JSON_DEPTH } from './jsonDepth';
import { validJsonTree, validJsonTreeNow } from './jsonTree';
import { partialJsonRoot, type PartialRoot } from './partial';

export interface FastParse {
  value: unknown;
  /** The positioned tree, built on demand; undefined when it must come from the careful parser. */
  tree?: () => AstNode | null | undefined;
  /** The same tree a slice at a time (see `validJsonTree`), where it can be built so. */
  treeInSteps?: () => Generator<void, AstNode | null>;
  /** The root cut down to the top-level `keys` (parse/partial.ts), from this parse's own work. */
  partial?: (keys: ReadonlySet<string>) => PartialRoot | undefined;
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
      return {
        value,
        tree: () => validJsonTreeNow(text),
        treeInSteps: () => validJsonTree(text),
        partial: (keys) => partialJsonRoot(text, keys),
      };
    }
    // More than one document is reported by the careful path. A `---` line that opens the text
    // starts its only document; the search starts after it (at a line start), without a copy.
    const lead = LEADING_MARKER.exec(text);
    DOCUMENT_MARKER.lastIndex = lead ? lead[0].length : 0;
    if (DOCUMENT_MARKER.test(text)) return undefined;
    // Nesting past the bound is reported by the careful path (`parse/too-deep`) before any parse.
    if (yamlMayNestDeeper(text)) return undefined;
    // The same events give the positioned tree later, when a finding has to be placed (events.ts).
    const parsed = parseYamlEvents(text);
    return parsed && { value: parsed.value, tree: parsed.tree, partial: parsed.partial };
  } catch {
    return undefined;
  }
}

const LEADING_MARKER = /^---\s*\n/;
/** A line that starts or ends a document (`lastIndex` says where the search starts). */
const DOCUMENT_MARKER = /^(---|\.\.\.)\s*$/gm;

/**
 * The tokens the duplicate-key check reads: a brace or bracket, or a whole string (escapes
 * included). The text is valid JSON, so outside strings there is no quote, and a search that
 * always resumes after the last token found starts every string at its opening quote.
 */
const JSON_TOKEN = /[{}[\]]|"[^"\\]*(?:\\[^][^"\\]*)*"/g;

/**
 * Whether a text JSON.parse took needs the careful parser: a key twice in one object (JSON.parse
 * keeps the last of duplicate keys silently), or a nesting deeper than MAX_JSON_DEPTH. The text
 * is valid JSON here (JSON.parse took it), so a key is a string followed by white space and a colon,
 * and the braces and brackets outside strings open and close the objects and arrays. (Counting the
 * keys of the parsed value instead took a quarter of a second on an object of 358,775 keys: V8
 * enumerates such an object slowly.) The scan jumps from token to token with a regular expression:
 * a loop over every character ran mostly in V8's interpreter in a run of a few hundred files, at
 * twice the time.
 */
function needsCarefulJsonParse(text: string): boolean {
  // Each open object's keys so far; undefined for an open array.
  const open: (Set<string> | undefined)[] = [];
  JSON_TOKEN.lastIndex = 0;
  for (let m = JSON_TOKEN.exec(text); m !== null; m = JSON_TOKEN.exec(text)) {
    const token = m[0];
    const c = token.charCodeAt(0);
    if (c === 123 || c === 91) {
      // Past the depth bound: the careful parser reports it (`parse/too-deep`, at the bracket
      // that jsonDepthCrossing finds as this count does), and nothing that recurses sees the value.
      if (open.length === MAX_JSON_DEPTH) return true;
      open.push(c === 123 ? new Set() : undefined);
    } else if (c === 125 || c === 93) open.pop();
    else {
      const keys = open[open.length - 1];
      if (!keys) continue;
      // A string in an object is a key when a colon follows it.
      let k = JSON_TOKEN.lastIndex;
      let d = text.charCodeAt(k);
      while (d === 32 || d === 10 || d === 13 || d === 9) d = text.charCodeAt(++k);
      if (d !== 58) continue;
      const key = token.includes('\\') ? (JSON.parse(token) as string) : token.slice(1, -1);
      if (keys.has(key)) return true;
      keys.add(key);
    }
  }
  return false;
}
