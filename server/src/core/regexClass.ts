/** A character class of a pattern, as the products read it. */
export interface PatternClass {
  /** Between `[` (or `[^`) and `]`, with a leading `]` escaped. */
  body: string;
  negated: boolean;
  /** The class as JavaScript must be given it: a leading `]` escaped, else as written. */
  text: string;
  /** Whether a `]` ends it; an unterminated class runs to the end of the pattern. */
  closed: boolean;
  /** The offset after the class. */
  end: number;
}

/**
 * The class that starts at `start` (a `[`). In Python's `re` and RE2 a `]` first in a class (after
 * an optional `^`) is a member, where JavaScript reads `[]` as the empty class and `[^]` as any
 * unit: `[]a]` is `]` or `a` to the products and "never, then `a]`" to a RegExp. So it is escaped.
 */
export function classAt(source: string, start: number): PatternClass {
  let i = start + 1;
  const negated = source[i] === '^';
  if (negated) i++;
  let body = '';
  if (source[i] === ']') {
    body = '\\]';
    i++;
  }
  let closed = false;
  for (; i < source.length; i++) {
    const c = source[i];
    if (c === ']') {
      closed = true;
      i++;
      break;
    }
    if (c === '\\' && i + 1 < source.length) body += c + source[++i];
    else body += c;
  }
  const text = `[${negated ? '^' : ''}${body}${closed ? ']' : ''}`;
  return { body, negated, text, closed, end: i };
}
