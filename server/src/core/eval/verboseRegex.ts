/**
 * A Preloop custom pattern in verbose mode (`flags: [x]`, or a leading `(?x)`), read as Python's
 * `re` reads it: whitespace outside a character class and not escaped is not part of the pattern,
 * and `#` outside a class starts a comment to the end of the line. JavaScript has no such flag:
 * dropping it (as the evaluator did) left `tk \d+  # ticket id` looking for the spaces and the
 * comment, so a pattern Preloop matches never fired.
 */
const WHITESPACE = new Set([' ', '\t', '\n', '\r', '\v', '\f']);
const LEADING_FLAGS = /^\(\?([aiLmsux]+)\)/;

/** The pattern and flags with verbose mode applied, and `x` taken out of the flags. */
export function withoutVerbose(
  pattern: string,
  flags: readonly string[],
): { regex: string; flags: string[] } {
  let regex = pattern;
  const all = new Set(flags);
  const leading = LEADING_FLAGS.exec(regex);
  if (leading?.[1].includes('x')) {
    regex = regex.slice(leading[0].length);
    for (const f of leading[1]) all.add(f);
  }
  if (!all.delete('x')) return { regex: pattern, flags: [...flags] };
  return { regex: stripVerbose(regex), flags: [...all] };
}

function stripVerbose(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      out += c + pattern[++i];
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (WHITESPACE.has(c)) continue;
    if (c === '#') {
      const end = pattern.indexOf('\n', i);
      if (end < 0) break;
      i = end;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A `]` first in a class (after an optional `^`) is a literal, not its end.
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') out += pattern[++i];
      continue;
    }
    out += c;
  }
  return out;
}
