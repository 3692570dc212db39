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
    // More than one document is reported by the careful path.
    if (/^(---|\.\.\.)\s*$/m.test(text.replace(/^(---\s*\n)/, ''))) return undefined;
    // The same events give the positioned tree later, when a finding has to be placed (events.ts).
    const parsed = parseYamlEvents(text);
    return parsed && { value: parsed.value, tree: parsed.tree };
  } catch {
    return undefined;
  }
}

/** JSON.parse keeps the last of duplicate keys silently; count keys in the text and in the value. */
function hasDuplicateJsonKeys(text: string, value: unknown): boolean {
  let inText = 0;
  const re = /"(?:[^"\\]|\\.)*"(\s*:)?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) if (m[1]) inText++;
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
