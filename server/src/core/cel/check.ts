import { Environment, type TypeCheckResult } from '@marcbachmann/cel-js';
import { GLOBAL_MATCHES } from './functions';
import { nearest } from '../suggest';
import { replaceLoneSurrogates } from '../parse/surrogates';
import { checkBalanced, parseBalanced } from './balance';
import { invalidPatterns } from './patterns';
import { CEL_CONTEXTS, CEL_PLACE, type CelContextId } from './context';

/** One problem in a CEL expression, at offsets of the expression string itself. */
export interface CelIssue {
  code:
    | 'cel/syntax'
    | 'cel/invalid-regex'
    | 'cel/unknown-variable'
    | 'cel/type'
    | 'cel/not-boolean'
    | 'cel/output-before-post'
    | 'cel/too-long';
  severity: 'error' | 'warning' | 'info';
  message: string;
  start: number;
  end: number;
  /** The whole expression with the problem repaired, when there is an obvious repair. */
  replacements?: { expression: string; title: string }[];
}

export interface CelCheck {
  issues: CelIssue[];
  /** The result type the checker inferred (`bool`, `int`, `dyn`), when the expression checks. */
  type?: string;
}

const environments = new Map<CelContextId, Environment>();

/** One CEL environment per documented context, built on first use. */
function environmentFor(context: CelContextId): Environment {
  let env = environments.get(context);
  if (!env) {
    env = new Environment();
    for (const v of CEL_CONTEXTS[context]) env.registerVariable(v.name, v.type);
    // CEL's global form of `matches` (the standard overload the library lacks); the engine runs
    // it (core/eval/cel.ts), the checker only needs its signature.
    env.registerFunction(GLOBAL_MATCHES, () => {
      throw new Error('the checker never runs an expression');
    });
    environments.set(context, env);
  }
  return env;
}

interface CelError {
  name?: string;
  code?: string;
  summary?: string;
  message?: string;
  range?: { start: number; end: number };
}

/**
 * Expressions past this size are not checked (a policy expression is a line or two); they get a
 * `cel/too-long` finding instead, so that the user knows the check did not happen.
 */
export const MAX_EXPRESSION = 20_000;

/**
 * Parses and type-checks an expression against a product's documented context with a real CEL
 * implementation. The checker stops at the first unknown variable, so each one found is declared
 * as `dyn` and the check repeats: every unknown variable is reported, and the result type is
 * still inferred.
 */
export function checkCel(expression: string, context: CelContextId): CelCheck {
  // Before the cache: the answer costs nothing, and the cache keeps no key of megabytes.
  if (expression.length > MAX_EXPRESSION) return { issues: [tooLong(expression)] };
  // The editor re-analyses a document on every change; its expressions rarely change with it.
  const key = `${context}\u0000${expression}`;
  const cached = results.get(key);
  if (cached) return cached;
  const result = checkUncached(expression, context);
  if (results.size >= MAX_CACHED) results.delete(results.keys().next().value as string);
  results.set(key, result);
  return result;
}

const MAX_CACHED = 1000;
const results = new Map<string, CelCheck>();

function checkUncached(expression: string, context: CelContextId): CelCheck {
  const issues: CelIssue[] = [];
  const known = CEL_CONTEXTS[context].map((v) => v.name);
  let env = environmentFor(context);
  for (let round = 0; round < 20; round++) {
    let result: TypeCheckResult;
    try {
      result = checkBalanced(env, expression);
    } catch (e) {
      // The library reports problems in its result; a throw is a bug there, not in the policy.
      const err = e as CelError;
      issues.push({
        code: 'cel/syntax',
        severity: 'error',
        message: `invalid CEL expression: ${err.summary ?? err.message ?? String(e)}`,
        start: 0,
        end: expression.length,
      });
      return { issues };
    }
    if (result.valid) {
      const type = result.type;
      const ast = astOf(env, expression);
      issues.push(...invalidPatterns(ast));
      if (context === 'execlave') issues.push(...outputWithoutPhase(ast, expression));
      if (type && type !== 'bool' && type !== 'dyn')
        issues.push({
          code: 'cel/not-boolean',
          severity: 'error',
          message: `the expression evaluates to ${type}, but ${CEL_PLACE[context]} must evaluate to a boolean`,
          start: 0,
          end: expression.length,
        });
      return { issues, type };
    }
    const err = (result.error ?? {}) as CelError;
    const range = wholeCharacters(expression, err.range ?? { start: 0, end: expression.length });
    const summary = withWholeCharacter(
      err.summary ?? err.message?.split('\n')[0] ?? 'invalid expression',
      expression.slice(range.start, range.end),
    );
    if (err.name === 'ParseError') {
      issues.push({
        code: 'cel/syntax',
        severity: 'error',
        message: `CEL syntax error: ${summary}`,
        start: range.start,
        end: range.end,
      });
      return { issues };
    }
    if (err.code === 'unknown_variable') {
      const name = expression.slice(range.start, range.end);
      const shown = name.length > 60 ? `${name.slice(0, 57)}…` : name;
      const near = nearest(name, known);
      const candidates = [...near];
      // Preloop's simple evaluator lets `amount` stand for `args.amount`; CEL does not.
      if (context === 'preloop') candidates.push(`args.${name}`);
      issues.push({
        code: 'cel/unknown-variable',
        severity: 'warning',
        message: `unknown variable "${shown}"${near.length ? `; did you mean "${near[0]}"?` : ''} (${CEL_PLACE[context]} know: ${known.join(', ')})`,
        start: range.start,
        end: range.end,
        replacements: candidates.map((c) => ({
          expression: expression.slice(0, range.start) + c + expression.slice(range.end),
          title: `Replace "${shown}" with "${c}"`,
        })),
      });
      env = env.clone().registerVariable(name, 'dyn');
      continue;
    }
    // The checker recurses over the tree; a very deep expression exhausts the stack.
    if (/call stack/i.test(summary))
      return {
        issues: [
          {
            code: 'cel/syntax',
            severity: 'error',
            message: 'the expression is nested too deeply to check',
            start: 0,
            end: expression.length,
          },
        ],
      };
    issues.push({
      code: 'cel/type',
      severity: failsEverywhere(summary) ? 'error' : 'warning',
      message: `CEL type error: ${summary}`,
      start: range.start,
      end: range.end,
    });
    return { issues };
  }
  return { issues };
}

const NUMERIC = new Set(['int', 'uint', 'double']);
const CONVERSIONS = new Set([
  'int',
  'uint',
  'double',
  'string',
  'bytes',
  'bool',
  'timestamp',
  'duration',
  'dyn',
]);

/**
 * Whether a type error fails in every CEL evaluator, not only in cel-js: then the expression errs at
 * every event, and an evaluation error is a violation, so a `block` policy blocks every request
 * (`eval` shows it). Not so, and left a warning: a mismatch between numbers alone (`cost + 1`; the
 * products' evaluators are not known to be as strict as cel-js, and cel-go compares numbers across
 * types) and `==`/`!=` (CEL's heterogeneous equality makes `phase == 1` false, not an error).
 * Nor a call with a number among its arguments, or a conversion: the products may have overloads
 * cel-js lacks (`timestamp(int)`). Everything else that names its types — an operator between a
 * string, a list or a bool and another type, a function on such values, a logical operator on a
 * non-bool — is an error.
 */
function failsEverywhere(summary: string): boolean {
  const op = /^no such overload: (\S+) (\S+) (\S+)$/.exec(summary);
  if (op) {
    const [, left, operator, right] = op;
    if (operator === '==' || operator === '!=') return false;
    return !(NUMERIC.has(left) && NUMERIC.has(right));
  }
  // A call: products may have overloads cel-js lacks for numbers (`timestamp(int)`) and conversions.
  const call = /^found no matching overload for '(?:[^'(]*\.)?([^'.(]*)\(([^)]*)\)'$/.exec(summary);
  if (call) return !CONVERSIONS.has(call[1]) && !call[2].split(/,\s*/).some((t) => NUMERIC.has(t));
  return /^Logical operator requires bool operands/.test(summary);
}

/** The finding of an expression too long to check: at the whole expression, never silent. */
function tooLong(expression: string): CelIssue {
  const n = (x: number) => x.toLocaleString('en-US');
  return {
    code: 'cel/too-long',
    severity: 'warning',
    message: `CEL expression not checked: it is ${n(expression.length)} characters long, and only expressions of up to ${n(MAX_EXPRESSION)} characters are parsed and type-checked`,
    start: 0,
    end: expression.length,
  };
}

interface AstLike {
  op?: string;
  args?: unknown;
  range?: { start: number; end: number };
}

const MACROS = ['all', 'exists', 'exists_one', 'map', 'filter'];

/** Every identifier of an expression's AST, and the names macros bind (`tools.exists(t, …)`). */
function identifiers(node: unknown, ids: AstLike[], bound: Set<string>): void {
  if (!node || typeof node !== 'object') return;
  const n = node as AstLike;
  if (n.op === 'id') ids.push(n);
  if (n.op === 'rcall' && Array.isArray(n.args) && MACROS.includes(n.args[0] as string)) {
    const first = (n.args[2] as AstLike[] | undefined)?.[0];
    if (first?.op === 'id') bound.add(first.args as string);
  }
  const visit = (x: unknown) => (Array.isArray(x) ? x.forEach(visit) : identifiers(x, ids, bound));
  if (Array.isArray(n.args)) n.args.forEach(visit);
  else if (n.args && typeof n.args === 'object') identifiers(n.args, ids, bound);
}

/** The AST of an expression that checked, or undefined if it cannot be had. */
function astOf(env: Environment, expression: string): unknown {
  try {
    return parseBalanced(env, expression).ast;
  } catch {
    return undefined;
  }
}

/**
 * Execlave sets `output` only after the model call (`phase == "post"`); an expression that reads it
 * without looking at `phase` also runs before the call, when there is no output yet.
 */
function outputWithoutPhase(ast: unknown, expression: string): CelIssue[] {
  if (!ast) return [];
  const ids: AstLike[] = [];
  const bound = new Set<string>();
  identifiers(ast, ids, bound);
  if (bound.has('output') || ids.some((i) => i.args === 'phase')) return [];
  const first = ids.find((i) => i.args === 'output' && i.range);
  if (!first?.range) return [];
  return [
    {
      code: 'cel/output-before-post',
      severity: 'info',
      message:
        'output is only set after the model call (phase == "post"); this expression also runs before it, when output is empty. Guard it with phase == "post"',
      start: first.range.start,
      end: first.range.end,
      replacements: [
        { expression: `phase == "post" && (${expression})`, title: 'Guard with phase == "post"' },
      ],
    },
  ];
}

/**
 * A range of the parser's widened to whole characters: it counts UTF-16 code units, and its
 * "Unexpected character" at an emoji covers half of the pair, which no editor can show.
 */
function wholeCharacters(text: string, r: { start: number; end: number }): { start: number; end: number } {
  const high = (i: number) => i >= 0 && i < text.length && (text.charCodeAt(i) & 0xfc00) === 0xd800;
  const low = (i: number) => i >= 0 && i < text.length && (text.charCodeAt(i) & 0xfc00) === 0xdc00;
  return {
    start: low(r.start) && high(r.start - 1) ? r.start - 1 : r.start,
    end: high(r.end - 1) && low(r.end) ? r.end + 1 : r.end,
  };
}

/**
 * The parser's message with the half of a pair it names (`Unexpected character: \ud83d`) replaced
 * by the whole character it was reading: a lone surrogate has no UTF-8 form, and JSON readers such
 * as serde_json refuse the message that carries one (the editor would drop every diagnostic sent
 * with it).
 */
function withWholeCharacter(message: string, at: string): string {
  const whole = at.length === 2 && at.codePointAt(0)! > 0xffff ? at : '\ufffd';
  return replaceLoneSurrogates(message, () => whole);
}
