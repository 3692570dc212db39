import type { Finding } from '../findings';
import { displayPath } from './ast';
import type { ParsedDocument } from './index';
import { sourceOffsetInString } from './strings';
import { escapeLoneSurrogates, stringsWhere } from './surrogates';

/**
 * Strings that hold a NUL character, written as an escape (`"\u0000"` in JSON, `"\0"` or `"\x00"`
 * in YAML): the text parses, but the registry refuses such a value (PostgreSQL text cannot hold
 * one: `400 Text values must not contain NUL characters`), so a bundle lint called valid failed
 * half-way through `sync --apply` (a field test). A raw NUL byte makes the file binary instead
 * (`parse/binary`).
 */
const MAY_HOLD = /\\(?:0|x00|u0000|U00000000)/;

export function nulCharacterFindings(doc: ParsedDocument): Finding[] {
  if (!MAY_HOLD.test(doc.text)) return [];
  return stringsWhere(doc.root, (v) => v.indexOf('\u0000')).map(({ node, path, index }) => {
    const where = escapeLoneSurrogates(displayPath(path));
    const start = sourceOffsetInString(doc.text, node, index);
    const end = sourceOffsetInString(doc.text, node, index + 1);
    return {
      code: 'parse/nul-character',
      severity: 'error',
      message: `${where ? `${where}: ` : ''}the string holds a NUL character (\\u0000), which the live org refuses (a database text value cannot hold one)`,
      span: end > start ? { start, end } : { start: node.offset, end: node.end },
      path: where,
    };
  });
}
