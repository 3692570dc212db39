/**
 * A case-insensitive pattern spelled without the `i` flag, for V8's linear-time engine, which
 * refuses `i` (regexRisk.ts): `(?i)^(o+)+$` becomes `^([oO]+)+$`. It is given the JavaScript source
 * (after regexDialect.ts) and answers what `i` answers (without `u`, where an ASCII letter is equal
 * to its other case only):
 *
 * - an ASCII letter outside a class becomes both cases, `[xX]`;
 * - a class gains the other case of each member it holds (`[a-f0-9]` → `[a-f0-9A-F]`), asked of
 *   the engine itself, so ranges and escapes in classes are read exactly as the RegExp reads them;
 * - escapes and group syntax (`(?<name>`, `(?:`, `(?=`) are kept as written.
 *
 * Undefined, so the pattern keeps the backtracking engine with `i`, when the pattern holds a letter
 * with another case that is not an ASCII letter (`é`), or an escape outside a class that can denote
 * a letter (`\x41`, `\u00e9`, `\1`, or `\p`, which is the letter `p` without `u`).
 */
export function caselessSource(source: string): string | undefined {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const escape = keptEscape(source, i);
      if (escape === undefined) return undefined;
      out += escape;
      i += escape.length - 1;
    } else if (c === '[') {
      const end = classEnd(source, i);
      const cls = caselessClass(source.slice(i, end));
      if (cls === undefined) return undefined;
      out += cls;
      i = end - 1;
    } else if (c === '(' && source[i + 1] === '?') {
      const group = /^\(\?(?:<[=!]|<[^>]*>|[:=!])/.exec(source.slice(i, i + 200));
      out += group ? group[0] : c;
      if (group) i += group[0].length - 1;
    } else if (/[a-z]/i.test(c)) out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
    else if (others(c.charCodeAt(0))) return undefined;
    else out += c;
  }
  return out;
}

/** The escape at `at` when it denotes no letter, as written; else undefined. */
function keptEscape(source: string, at: number): string | undefined {
  const rest = source.slice(at, at + 200);
  const coded = /^\\(?:x[0-9a-f]{2}|u[0-9a-f]{4})/i.exec(rest);
  if (coded) return others(parseInt(coded[0].slice(2), 16)) ? undefined : coded[0];
  const kept = /^\\(?:[dDwWsSbBnrtfv0]|c[a-z]|k<[^>]*>|[^a-z0-9\u0080-\uffff])/i.exec(rest);
  if (kept) return kept[0];
  const next = source.charCodeAt(at + 1);
  // A non-ASCII character without another case, escaped: itself.
  return next >= 0x80 && !others(next) ? rest.slice(0, 2) : undefined;
}

/** The offset after the class that starts at `start` (JavaScript's syntax: `[]` is empty). */
function classEnd(source: string, start: number): number {
  let i = start + 1;
  if (source[i] === '^') i++;
  for (; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === ']') return i + 1;
  }
  return source.length;
}

/** The class with every other case of its members added, or undefined. */
function caselessClass(text: string): string | undefined {
  if (!text.endsWith(']') || text.length < 2) return undefined;
  const negated = text[1] === '^';
  const body = text.slice(negated ? 2 : 1, -1);
  for (const ch of body) if (ch.charCodeAt(0) >= 0x80 && others(ch.charCodeAt(0))) return undefined;
  let members: RegExp;
  try {
    // The range first keeps the members as written: a `^` that leads them stays a member.
    members = new RegExp(`[\\0-\\0${body}]`);
  } catch {
    return undefined;
  }
  const added: number[] = [];
  for (const group of caseGroups()) {
    const held = group.filter((u) => members.test(String.fromCharCode(u)));
    if (held.length > 0) for (const u of group) if (!held.includes(u)) added.push(u);
  }
  added.sort((a, b) => a - b);
  return `[${negated ? '^' : ''}${body}${ranges(added)}]`;
}

/** Units as class members, runs of three or more as ranges: `A-F`, `\u00C9`. */
function ranges(units: number[]): string {
  const unit = (u: number) =>
    /[a-z]/i.test(String.fromCharCode(u)) ? String.fromCharCode(u) : `\\u${u.toString(16).padStart(4, '0')}`;
  let out = '';
  for (let i = 0; i < units.length;) {
    let j = i;
    while (j + 1 < units.length && units[j + 1] === units[j] + 1) j++;
    out +=
      j - i >= 2
        ? `${unit(units[i])}-${unit(units[j])}`
        : units
            .slice(i, j + 1)
            .map(unit)
            .join('');
    i = j + 1;
  }
  return out;
}

/** Whether a UTF-16 unit is equal to another one under `i` (it has another case). */
function others(unit: number): boolean {
  cased ??= new Set(caseGroups().flat());
  return cased.has(unit);
}

let groups: number[][] | undefined;
let cased: Set<number> | undefined;

/**
 * The UTF-16 units that `i` makes equal, in groups of two or more: the units with the same
 * canonical form, its upper case when that is one unit and does not take a non-ASCII unit to an
 * ASCII one (ECMAScript's Canonicalize without `u`: `ſ` is not `s`, the Kelvin sign is not `k`).
 */
export function caseGroups(): number[][] {
  if (!groups) {
    const byCanon = new Map<number, number[]>();
    for (let u = 0; u < 0x10000; u++) {
      const upper = String.fromCharCode(u).toUpperCase();
      const canon = upper.length !== 1 || (u >= 0x80 && upper.charCodeAt(0) < 0x80) ? u : upper.charCodeAt(0);
      const group = byCanon.get(canon);
      if (group) group.push(u);
      else byCanon.set(canon, [u]);
    }
    groups = [...byCanon.values()].filter((g) => g.length > 1);
  }
  return groups;
}
