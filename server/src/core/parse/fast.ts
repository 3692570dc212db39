import type { AstNode, Language } from './ast';
import { parseYamlEvents } from './events';

/**
 * The hot path: most policy files are valid, and a valid file needs no positions. So the value is
 * first read with the fastest parsers (JSON.parse, js-yaml); only a file with something to report
 * pays for the positioned parse. Anything unusual (anchors, a parse error, a duplicate key) returns
 * `undefined`, and the caller takes the careful path that reports it.
 */
export function parseFast(
  text: string,
  language: Language,
): { value: unknown; tree?: () => AstNode | null | undefined } | undefined {
  try {
    if (language === 'json') {
      const value: unknown = JSON.parse(text);
      return hasDuplicateJsonKeys(text, value) ? undefined : { value };
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

/**
 * JSON.parse keeps the last of duplicate keys silently; count keys in the text and in the value.
 * The text is valid JSON here (JSON.parse took it), so a key is a string followed by white space
 * and a colon; the count walks the characters without a match object per string.
 */
function hasDuplicateJsonKeys(text: string, value: unknown): boolean {
  let inText = 0;
  const n = text.length;
  for (let i = text.indexOf('"'); i >= 0 && i < n; i = text.indexOf('"', i)) {
    // The string's closing quote: a backslash escapes the character after it.
    let j = i + 1;
    for (let c = text.charCodeAt(j); j < n && c !== 34; c = text.charCodeAt(j)) j += c === 92 ? 2 : 1;
    j++;
    let c = text.charCodeAt(j);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++j);
    if (c === 58) inText++;
    i = j;
  }
  return inText !== countKeys(value);
}

function countKeys(v: unknown): number {
  if (Array.isArray(v)) {
    let n = 0;
    for (const x of v) n += countKeys(x);
    return n;
  }
  if (v && typeof v === 'object') {
    let n = 0;
    for (const k in v) n += 1 + countKeys((v as Record<string, unknown>)[k]);
    return n;
  }
  return 0;
}
