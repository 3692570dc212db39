/**
 * The forms of a policy's pattern that match "one character", rewritten so that one character is
 * one code point, as in Python's `re` and RE2, and not one UTF-16 unit, as in a RegExp without the
 * `u` flag. The `u` flag would do this, but V8's linear-time engine refuses it (regexRisk.ts), so
 * the pattern says it itself: a surrogate pair is taken whole, and a single unit never is a
 * surrogate, so no quantifier or backtracking can split an emoji into two "characters".
 *
 * Nothing added is a lookaround or a back-reference, so a pattern the linear engine took before
 * still builds for it. A single unit is never a high surrogate: that alone keeps a pair whole, since
 * no form can then end between its two halves. A lone low surrogate (a broken character, which the
 * products see as one) is still one character; a lone high one, which only a lookahead could tell
 * from the start of a pair, matches none of these forms.
 */

/** One astral code point: a high surrogate and the low one after it. */
export const PAIR = '[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]';

const HIGH = '\\uD800-\\uDBFF';

/**
 * `\S`, `\W` and `\D` of a RegExp without `u`, less the high surrogates, as class ranges. `\s` is
 * JavaScript's: tab to carriage return, space, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029,
 * U+202F, U+205F, U+3000 and U+FEFF.
 */
const NOT_SPACE =
  '\\0-\\x08\\x0E-\\x1F!-\\x9F\\xA1-\\u167F\\u1681-\\u1FFF\\u200B-\\u2027\\u202A-\\u202E' +
  '\\u2030-\\u205E\\u2060-\\u2FFF\\u3001-\\uD7FF\\uDC00-\\uFEFE\\uFF00-\\uFFFF';
const NOT_WORD = '\\0-\\/:-@\\[-\\^`\\{-\\uD7FF\\uDC00-\\uFFFF';
const NOT_DIGIT = '\\0-\\/:-\\uD7FF\\uDC00-\\uFFFF';
const NEGATED: Record<string, string> = { S: NOT_SPACE, W: NOT_WORD, D: NOT_DIGIT };

/** `.`: any code point but `\n`, or with the `s` flag any code point. */
export function anyChar(dotAll: boolean): string {
  return `(?:${PAIR}|[^${dotAll ? '' : '\\n'}${HIGH}])`;
}

/** `\S`, `\W` or `\D` (the letter) outside a class. */
export function negatedEscape(letter: string): string {
  return `(?:${PAIR}|[${NEGATED[letter]}])`;
}

/** Every surrogate unit, to ask whether a class names one. */
const ALL_SURROGATES = Array.from({ length: 0x800 }, (_, i) => String.fromCharCode(0xd800 + i)).join('');

/**
 * A character class, given its body (between `[`, or `[^`, and `]`), as a form that takes an
 * astral code point whole when the class holds one. Read as the products read it: every astral
 * code point is a non-space, non-word, non-digit character that no member names, exactly like a
 * surrogate unit, so the class holds astral code points when it holds surrogates. A class that
 * names a surrogate itself (`[\uD800-\uDBFF]`, a range across them, an emoji written inside) is
 * left as written: its author counts in UTF-16 units.
 */
export function classByCodePoint(body: string, negated: boolean): string {
  const written = `[${negated ? '^' : ''}${body}]`;
  const escapes = new Set<string>();
  let rest = '';
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\' && i + 1 < body.length) {
      const next = body[++i];
      if ('dDsSwW'.includes(next)) escapes.add(next);
      else rest += `\\${next}`;
    } else rest += body[i];
  }
  try {
    // The range first keeps the members as written: a `^` or `-` that leads them stays a member.
    if (new RegExp(`[\\0-\\0${rest}]`).test(ALL_SURROGATES)) return written;
  } catch {
    return written;
  }
  const holdsNegated = ['S', 'W', 'D'].some((l) => escapes.has(l));
  if (negated === holdsNegated) return written;
  const units = negated
    ? `[^${HIGH}${body}]`
    : `[${body.replace(/\\(\\|[SWD])/g, (m, l: string) => NEGATED[l] ?? m)}]`;
  try {
    new RegExp(units);
  } catch {
    return written;
  }
  return `(?:${PAIR}|${units})`;
}
