import { caselessSource } from './regexCaseless';
import { fromPolicyDialect } from './regexDialect';

/**
 * A quantified group that contains a quantifier, like `(a+)+` or `(\w+\s?)*`: the shape that makes a
 * backtracking engine (Python's `re`, JavaScript's) take exponential time on a crafted input.
 * Syntactic and conservative: it looks for a group with `+`, `*` or `{…}` inside, followed by one of
 * them.
 */
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]/;

export function hasNestedQuantifier(pattern: string): boolean {
  return NESTED_QUANTIFIER.test(pattern);
}

/**
 * A regular expression from a policy (an argument pattern, a custom detector, a CEL `matches`),
 * built for V8's linear-time engine (the `l` flag) when the process enabled it (the CLI and the
 * language server do: boot/regexp.ts) and the pattern allows it (no backreference, no lookaround).
 * A pattern such as `^(o+)+$` then answers in linear time instead of backtracking without end.
 * The engine refuses `i`: a case-insensitive pattern is spelled without it when it can be (`[oO]`,
 * regexCaseless.ts). Elsewhere, or for a pattern the engine does not take, it is an ordinary RegExp.
 * The engine's own patterns are never built here: on long texts the linear engine is slower than
 * backtracking.
 * The pattern is read in the products' syntax first (`(?i)` at its start, `\A`, `\z`, `(?P<n>…)`:
 * regexDialect.ts).
 */
export function policyRegExp(pattern: string, asked = ''): RegExp {
  // Asked at every event by some callers (an argument pattern, CEL's `matches`): built once per
  // pattern. Only patterns without `g` or `y` are kept, since those carry no position between uses.
  const key = `${asked}/${pattern}`;
  let re = built.get(key);
  if (!re) {
    const { source, flags } = fromPolicyDialect(pattern, asked);
    re = linear(source, flags) ?? new RegExp(source, flags);
    if (!/[gy]/.test(flags)) {
      if (built.size >= MAX_BUILT) built.clear();
      built.set(key, re);
    }
  }
  return re;
}

/** The pattern built for the linear-time engine, or undefined when the engine does not take it. */
function linear(source: string, flags: string): RegExp | undefined {
  try {
    return new RegExp(source, `${flags}l`);
  } catch {
    // Refused, or no such flag (the engine is not enabled).
  }
  if (!flags.includes('i') || /[uv]/.test(flags) || !linearEngine()) return undefined;
  const caseless = caselessSource(source);
  if (caseless === undefined) return undefined;
  try {
    return new RegExp(caseless, `${flags.replace('i', '')}l`);
  } catch {
    return undefined;
  }
}

const LINEAR = 'l';

/** Whether the process enabled the linear-time engine. */
function linearEngine(): boolean {
  try {
    return new RegExp('', LINEAR).flags === LINEAR;
  } catch {
    return false;
  }
}

/** The patterns built, by flags and source; emptied when it holds this many. */
const built = new Map<string, RegExp>();
const MAX_BUILT = 512;
