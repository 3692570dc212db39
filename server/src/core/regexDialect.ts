import { classAt } from './regexClass';
import { anyChar, classByCodePoint, negatedEscape } from './regexCodePoint';

/**
 * A policy's pattern in the syntax the products write, as a JavaScript RegExp's source and flags.
 * CEL's `matches` is RE2, Preloop's and Agent Sentinel's patterns are Python's `re`; the three share
 * forms that JavaScript reads differently or not at all, and a policy that uses one must not
 * silently change meaning (`\A` is a literal `A` to a RegExp without the `u` flag) or fail at every
 * event (`(?i)` is a syntax error to V8, so `input.matches("(?i)drop")` blocked every request):
 *
 * - flags at the start, `(?i)`, `(?s)`, `(?m)` or several (`(?is)`), become the RegExp's flags;
 * - `\A` is the start of the text, `\z` (RE2) and `\Z` (Python) its end;
 * - `(?P<name>…)` is the named group `(?<name>…)`, `(?P=name)` its backreference `\k<name>`;
 * - `]` first in a class is a member, not the end of an empty class (regexClass.ts);
 * - one character is one code point, not one UTF-16 unit: `.` (which takes `\r`, U+2028 and
 *   U+2029 too, all but `\n`), `\S`, `\W`, `\D` and negated classes take an emoji whole, so
 *   `^.{0,5}$` counts five emoji as the products do (regexCodePoint.ts).
 *
 * Anything else is left as written: a flag group in the middle of a pattern (`a(?i)b`, `(?i:b)`)
 * stays a syntax error, reported as an invalid pattern.
 */
export interface DialectPattern {
  source: string;
  /** The flags asked for, with those of a leading `(?…)` group added. */
  flags: string;
}

const LEADING_FLAGS = /^\(\?([ims]+)\)/;

export function fromPolicyDialect(pattern: string, flags = ''): DialectPattern {
  let source = pattern;
  let all = flags;
  const leading = LEADING_FLAGS.exec(source);
  if (leading) {
    source = source.slice(leading[0].length);
    for (const f of leading[1]) if (!all.includes(f)) all += f;
  }
  // With `u` (no caller asks for it) the RegExp already counts code points.
  const units = !/[uv]/.test(all);
  if (!units && !/\\[AzZ]|\(\?P|\[\^?\]/.test(source)) return { source, flags: all };
  const multiline = all.includes('m');
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\' && i + 1 < source.length) {
      const next = source[++i];
      if (next === 'A') out += multiline ? '(?<![\\s\\S])' : '^';
      else if (next === 'z' || next === 'Z') out += multiline ? '(?![\\s\\S])' : '$';
      else if (units && 'SWD'.includes(next)) out += negatedEscape(next);
      else out += c + next;
      continue;
    }
    if (c === '[') {
      const cls = classAt(source, i);
      out += units && cls.closed ? classByCodePoint(cls.body, cls.negated) : cls.text;
      i = cls.end - 1;
      continue;
    }
    if (c === '.' && units) {
      out += anyChar(all.includes('s'));
      continue;
    }
    if (source.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    const back = /^\(\?P=(\w+)\)/.exec(source.slice(i, i + 80));
    if (back) {
      out += `\\k<${back[1]}>`;
      i += back[0].length - 1;
      continue;
    }
    out += c;
  }
  return { source: out, flags: all };
}

/**
 * Why the pattern, read as the products write it, is no regular expression (the JavaScript
 * engine's reason, without its restatement of the pattern), or undefined when it is one.
 */
export function regexSyntaxError(pattern: string, flags = ''): string | undefined {
  const { source, flags: all } = fromPolicyDialect(pattern, flags);
  try {
    new RegExp(source, all);
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
  }
}

/**
 * Whether the pattern uses a form that Python's `re` reads and JavaScript does not (verbose
 * `(?x)`, comments `(?#…)`, scoped flags `(?i:…)`, atomic groups `(?>…)`, possessive quantifiers
 * `a++`): JavaScript's verdict on such a pattern says nothing about the product's, so no
 * "invalid pattern" is reported for it.
 */
export function pythonOnlyRegex(pattern: string): boolean {
  return /\(\?(?:[aiLmsux]*x|#|>|[aiLmsux-]+:)|(?<!\\)[+*?}]\+/.test(pattern);
}

/**
 * The first back-reference of a pattern (`\1`, `(?P=name)`, `\k<name>`), outside character
 * classes, or undefined.
 */
export function backReference(pattern: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(next)) return /^\\\d+/.exec(pattern.slice(i))![0];
      if (!inClass && next === 'k' && pattern[i + 2] === '<')
        return /^\\k<[^>]*>?/.exec(pattern.slice(i))![0];
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
    } else if (pattern.startsWith('(?P=', i)) return /^\(\?P=[^)]*\)?/.exec(pattern.slice(i))![0];
  }
  return undefined;
}
