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
