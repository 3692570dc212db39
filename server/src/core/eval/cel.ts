import { Environment } from '@marcbachmann/cel-js';
import { parseBalanced } from '../cel/balance';
import { CEL_CONTEXTS, type CelContextId } from '../cel/context';
import { GLOBAL_MATCHES } from '../cel/functions';
import { policyRegExp } from '../regexRisk';

/**
 * A CEL expression compiled once, when its policy is compiled, and run for every event. A
 * compile error is kept (and reported on each event) rather than thrown: a policy with a broken
 * expression is evaluated fail-closed, never dropped.
 */
export type CelProgram =
  { ok: true; run(vars: Record<string, unknown>): unknown } | { ok: false; error: string };

/** What `run` returns when the expression failed at run time (a missing key, a type error). */
export class CelFailure {
  constructor(readonly error: string) {}
}

const environments = new Map<CelContextId, Environment>();

/** The product's documented variables, with their types, as the runtime environment. */
function environmentFor(context: CelContextId): Environment {
  let env = environments.get(context);
  if (!env) {
    env = new Environment({ homogeneousAggregateLiterals: false });
    for (const v of CEL_CONTEXTS[context]) env.registerVariable(v.name, v.type);
    env.registerFunction(`string.${LINEAR_MATCHES}(string): bool`, linearMatches);
    env.registerFunction(GLOBAL_MATCHES, linearMatches);
    environments.set(context, env);
  }
  return env;
}

/** `matches` on V8's linear-time engine (below): the member form renamed, and the global form. */
function linearMatches(text: string, pattern: string): boolean {
  let re: RegExp;
  try {
    re = policyRegExp(pattern);
  } catch {
    throw new Error(`Invalid regular expression: ${pattern}`);
  }
  return re.test(text);
}

function firstLine(e: unknown): string {
  const err = e as { summary?: string; message?: string };
  return (err?.summary ?? err?.message ?? String(e)).split('\n')[0];
}

/**
 * CEL's `matches` as the engine runs it. The library's own builds an ordinary RegExp from the
 * pattern, which backtracks (CEL's is RE2, linear): `matches("^(o+)+$")` against 34 `o`s and a `!`
 * never returned. Calls of `matches` are renamed to this function, which builds the pattern for
 * V8's linear-time engine (`policyRegExp`), and the name is put back in messages.
 */
const LINEAR_MATCHES = 'matchesInLinearTime';
const MATCHES_CALL = /\.(\s*)matches(\s*)\(/y;

/**
 * The expression with every call of `.matches(` renamed, outside string literals (quoted with `'`,
 * `"` or their triples, raw or not, bytes or not) and outside comments (`//` to the end of the
 * line). Same length but for the renamed calls; nothing else moves. A quote inside a comment
 * (`// it's a check`) opened a "string" here that hid the next lines' calls, which then ran on the
 * library's backtracking RegExp.
 */
export function withLinearMatches(expression: string): string {
  if (!expression.includes('matches')) return expression;
  let out = '';
  let i = 0;
  while (i < expression.length) {
    const c = expression[i];
    if (c === '/' && expression[i + 1] === '/') {
      const end = expression.indexOf('\n', i);
      const j = end < 0 ? expression.length : end;
      out += expression.slice(i, j);
      i = j;
      continue;
    }
    if (c === '"' || c === "'") {
      const quote = expression.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      const j = stringEnd(expression, i, quote, isRawPrefix(expression, i));
      out += expression.slice(i, j);
      i = j;
      continue;
    }
    MATCHES_CALL.lastIndex = i;
    const call = MATCHES_CALL.exec(expression);
    if (call) {
      out += `.${call[1]}${LINEAR_MATCHES}${call[2]}(`;
      i += call[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Whether the string literal whose quote is at `i` has an `r` in its prefix (`r`, `br`, `rb`…). */
function isRawPrefix(expression: string, i: number): boolean {
  let k = i - 1;
  let raw = false;
  // A prefix is at most two letters of r/R/b/B, and is not the end of an identifier (`bar"…"`).
  while (k >= 0 && i - k <= 2 && /[rRbB]/.test(expression[k])) {
    if (expression[k] === 'r' || expression[k] === 'R') raw = true;
    k--;
  }
  if (k >= 0 && /[A-Za-z0-9_]/.test(expression[k])) return false;
  return raw;
}

/** Where the literal that opens with `quote` at `i` ends (just past its closing quote). */
function stringEnd(expression: string, i: number, quote: string, raw: boolean): number {
  let j = i + quote.length;
  while (j < expression.length && !expression.startsWith(quote, j)) {
    // A single-quoted literal ends at the line's end (CEL allows no newline in it): an unclosed
    // one is a syntax error, and the rest of the expression must not pass as its contents.
    if (quote.length === 1 && expression[j] === '\n') return j;
    j += !raw && expression[j] === '\\' ? 2 : 1;
  }
  return Math.min(expression.length, j + quote.length);
}

/** Compiles an expression against a product's context (the same context lint checks against). */
export function compileCel(expression: string, context: CelContextId): CelProgram {
  let fn: (vars: Record<string, unknown>) => unknown;
  const named = (e: unknown) => firstLine(e).replaceAll(LINEAR_MATCHES, 'matches');
  try {
    fn = parseBalanced(environmentFor(context), withLinearMatches(expression)) as unknown as typeof fn;
  } catch (e) {
    return { ok: false, error: `invalid CEL expression: ${named(e)}` };
  }
  return {
    ok: true,
    run(vars) {
      try {
        return fn(vars);
      } catch (e) {
        return new CelFailure(named(e));
      }
    },
  };
}

/** A JSON value as CEL sees it: whole numbers stay doubles (JSON numbers are doubles in CEL). */
export function celValue(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value) ?? String(value);
}
