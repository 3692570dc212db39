import { Environment } from '@marcbachmann/cel-js';
import { parseBalanced } from '../cel/balance';
import { CEL_CONTEXTS, type CelContextId } from '../cel/context';
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
    env.registerFunction(`string.${LINEAR_MATCHES}(string): bool`, (text: string, pattern: string) => {
      let re: RegExp;
      try {
        re = policyRegExp(pattern);
      } catch {
        throw new Error(`Invalid regular expression: ${pattern}`);
      }
      return re.test(text);
    });
    environments.set(context, env);
  }
  return env;
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
 * `"` or their triples, raw or not). Same length but for the renamed calls; nothing else moves.
 */
export function withLinearMatches(expression: string): string {
  if (!expression.includes('matches')) return expression;
  let out = '';
  let i = 0;
  while (i < expression.length) {
    const c = expression[i];
    if (c === '"' || c === "'") {
      const quote = expression.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      const raw = expression[i - 1] === 'r' || expression[i - 1] === 'R';
      let j = i + quote.length;
      while (j < expression.length && !expression.startsWith(quote, j))
        j += !raw && expression[j] === '\\' ? 2 : 1;
      j = Math.min(expression.length, j + quote.length);
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
