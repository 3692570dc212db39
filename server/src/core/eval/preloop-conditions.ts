import { CelFailure, compileCel } from './cel';
import { isObj, str, type Obj } from './context';
import { celUpgradeReason } from '../cel/sites';
import { parseSimple } from '../dialects/preloop/simpleCondition';

/**
 * A Preloop condition compiled once: the simple evaluator (`args.amount > 50`) or CEL, with the
 * loader's auto-detection (reference §2.6) that upgrades a "simple" expression that looks like CEL.
 */
export interface CompiledCondition {
  index: number;
  expression: string;
  action: string;
  kind: 'simple' | 'cel';
  /** Set when a condition written as simple was upgraded to CEL, as Preloop's loader does. */
  upgraded?: boolean;
  test(vars: Record<string, unknown>): ConditionResult;
}

/** A condition's answer; `note` says when a missing argument was compared as None. */
export type ConditionResult = { match: boolean; note?: string } | { error: string };

/** The loader's `_detect_condition_type`: an expression with any CEL-only construct is CEL. */
export function looksLikeCel(expression: string): boolean {
  return celUpgradeReason(expression) !== undefined;
}

/** A dotted path in the variables; a bare name in a tool condition means `args.<name>`. */
function resolve(
  vars: Record<string, unknown>,
  path: string,
  root: string | undefined,
): { value: unknown } | undefined {
  let parts = path.split('.');
  if (root && !(parts[0] in vars)) parts = [root, ...parts];
  let cur: unknown = vars;
  for (const p of parts) {
    if (!isObj(cur) || !(p in cur)) return undefined;
    cur = cur[p];
  }
  return { value: cur };
}

function compare(op: string, a: unknown, b: unknown): boolean | undefined {
  if (op === '==') return a === b;
  if (op === '!=') return a !== b;
  const comparable =
    (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
  if (!comparable) return undefined;
  const x = a as number | string;
  const y = b as number | string;
  return op === '>' ? x > y : op === '<' ? x < y : op === '>=' ? x >= y : x <= y;
}

/**
 * Preloop's simple evaluator is Python: an argument the call leaves out is None, and `==` / `!=`
 * compare None as Python does (`None == 'prod'` is false, `None != 'prod'` is true, `None == None`
 * is true). An ordering against None raises in Python; it stays an error here, which the caller
 * reads fail-closed.
 */
function simple(expression: string, root: string | undefined): CompiledCondition['test'] {
  const parsed = parseSimple(expression);
  if (!parsed) return () => ({ error: `not a simple comparison (path op literal): ${expression}` });
  const { path, op, rhs } = parsed;
  const equality = op === '==' || op === '!=';
  return (vars) => {
    const missing: string[] = [];
    const left = resolve(vars, path, root);
    if (!left) missing.push(path);
    let right: unknown;
    if ('path' in rhs) {
      const r = resolve(vars, rhs.path, root);
      if (!r) missing.push(rhs.path);
      right = r?.value;
    } else right = rhs.value;
    if (missing.length && !equality) return { error: `no value at ${missing.join(', ')}` };
    // A missing value is None; null (YAML/JSON null) is None too.
    const a = left ? left.value : null;
    const b = 'path' in rhs && missing.includes(rhs.path) ? null : right;
    const out = compare(op, a ?? null, b ?? null);
    if (out === undefined) return { error: `cannot compare ${JSON.stringify(a)} ${op} ${JSON.stringify(b)}` };
    return missing.length
      ? {
          match: out,
          note: `${missing.join(', ')} missing: compared as None (${expression} is ${out ? 'true' : 'false'})`,
        }
      : { match: out };
  };
}

/** Compiles a list of conditions for the tool context (`args`) or the model_io context. */
export function compileConditions(
  list: unknown,
  context: 'preloop' | 'preloop-model-io',
): CompiledCondition[] {
  if (!Array.isArray(list)) return [];
  return list.filter(isObj).map((c: Obj, index) => {
    const expression = (str(c.expression) ?? '').trim();
    const action = str(c.action) ?? 'require_approval';
    const declared = c.condition_type === 'cel' ? 'cel' : 'simple';
    const upgraded = declared === 'simple' && looksLikeCel(expression);
    const kind = upgraded ? 'cel' : declared;
    let test: CompiledCondition['test'];
    if (!expression) test = () => ({ error: 'the expression is empty' });
    else if (kind === 'simple') test = simple(expression, context === 'preloop' ? 'args' : undefined);
    else {
      const program = compileCel(expression, context);
      test = (vars) => {
        if (!program.ok) return { error: program.error };
        const value = program.run(vars);
        if (value instanceof CelFailure) return { error: value.error };
        if (typeof value !== 'boolean')
          return { error: `the expression returned ${String(value)}, not a boolean` };
        return { match: value };
      };
    }
    return { index, expression, action, kind, ...(upgraded ? { upgraded } : {}), test };
  });
}

/** The assumption a missing argument's comparison adds to a trace entry. */
export function noneNote(notes: readonly string[]): string | undefined {
  return notes.length
    ? `a missing argument is None, as in Preloop's Python evaluator: ${notes.join('; ')}`
    : undefined;
}
