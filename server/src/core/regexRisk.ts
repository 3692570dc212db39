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
 * Elsewhere, or for a pattern the engine does not take, it is an ordinary RegExp. The engine's own
 * patterns are never built here: on long texts the linear engine is slower than backtracking.
 */
export function policyRegExp(source: string, flags = ''): RegExp {
  try {
    return new RegExp(source, `${flags}l`);
  } catch {
    return new RegExp(source, flags);
  }
}
