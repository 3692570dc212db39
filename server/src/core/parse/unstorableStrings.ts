import type { Finding } from '../findings';
import type { FindingCode } from '../rules';
import { displayPath, type PathSegment, type StringNode } from './ast';
import type { ParsedDocument } from './index';
import { sourceOffsetInString } from './strings';
import { escapeLoneSurrogates, findLoneSurrogates, mayHoldLoneSurrogate, stringsWhere } from './surrogates';

/**
 * Findings on one character of a string that a server refuses although the text parses: a lone
 * surrogate and a NUL character, each placed on the character's escape in the text.
 */
export function unstorableStringFindings(doc: ParsedDocument): Finding[] {
  const out: Finding[] = [];
  // The tree is walked only when the text has a surrogate escape (or a raw half of a pair).
  if (mayHoldLoneSurrogate(doc.text))
    for (const s of findLoneSurrogates(doc.root))
      out.push(
        placed(
          doc,
          s,
          'parse/lone-surrogate',
          `the string holds a lone surrogate (${s.escape}), half of a UTF-16 pair: it is not Unicode text, and a server stores it as U+FFFD or refuses it`,
        ),
      );
  // A NUL written as an escape (`"\u0000"`, YAML `"\0"`, `"\x00"`): the text parses, but the
  // registry refuses such a value (PostgreSQL text cannot hold one: `400 Text values must not
  // contain NUL characters`), so a bundle lint called valid failed half-way through `sync --apply`
  // (a field test). A raw NUL byte makes the file binary instead (`parse/binary`).
  if (MAY_HOLD_NUL.test(doc.text))
    for (const s of stringsWhere(doc.root, (v) => v.indexOf('\u0000')))
      out.push(
        placed(
          doc,
          s,
          'parse/nul-character',
          'the string holds a NUL character (\\u0000), which the live org refuses (a database text value cannot hold one)',
        ),
      );
  return out;
}

const MAY_HOLD_NUL = /\\(?:0|x00|u0000|U00000000)/;

function placed(
  doc: ParsedDocument,
  { node, path, index }: { node: StringNode; path: PathSegment[]; index: number },
  code: FindingCode,
  message: string,
): Finding {
  const where = escapeLoneSurrogates(displayPath(path));
  const start = sourceOffsetInString(doc.text, node, index);
  const end = sourceOffsetInString(doc.text, node, index + 1);
  return {
    code,
    severity: 'error',
    message: `${where ? `${where}: ` : ''}${message}`,
    span: end > start ? { start, end } : { start: node.offset, end: node.end },
    path: where,
  };
}
