import { Environment } from '@marcbachmann/cel-js';
import { CEL_CONTEXTS, type CelContextId } from '../cel/context';

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
    environments.set(context, env);
  }
  return env;
}

function firstLine(e: unknown): string {
  const err = e as { summary?: string; message?: string };
  return (err?.summary ?? err?.message ?? String(e)).split('\n')[0];
}

/** Compiles an expression against a product's context (the same context lint checks against). */
export function compileCel(expression: string, context: CelContextId): CelProgram {
  let fn: (vars: Record<string, unknown>) => unknown;
  try {
    fn = environmentFor(context).parse(expression) as unknown as typeof fn;
  } catch (e) {
    return { ok: false, error: `invalid CEL expression: ${firstLine(e)}` };
  }
  return {
    ok: true,
    run(vars) {
      try {
        return fn(vars);
      } catch (e) {
        return new CelFailure(firstLine(e));
      }
    },
  };
}

/** A JSON value as CEL sees it: whole numbers stay doubles (JSON numbers are doubles in CEL). */
export function celValue(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value) ?? String(value);
}
