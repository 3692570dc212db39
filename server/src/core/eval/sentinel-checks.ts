import { isObj, strings, type Obj } from './context';
import { policyRegExp } from '../regexRisk';
import type { Evidence } from './state';
import type { GroundingRule } from './sentinel-config';

/** A Python repr of a value, as the SDK's messages print lists and strings. */
export function pyRepr(v: unknown): string {
  if (typeof v === 'string')
    return v.includes("'") && !v.includes('"') ? `"${v}"` : `'${v.replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (isObj(v))
    return `{${Object.entries(v)
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  return String(v);
}

/** The Python type name the SDK's messages print (`got str`). */
function pyType(v: unknown): string {
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (Array.isArray(v)) return 'list';
  if (v === null || v === undefined) return 'NoneType';
  return 'dict';
}

function isType(v: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObj(v);
    default:
      return true;
  }
}

/**
 * The SDK's built-in subset of JSON Schema (reference §3.5): `required`, and per property `type`,
 * `minimum`, `maximum`, `enum`, `pattern` (searched, not anchored). Other keywords are ignored.
 */
export function constraintViolations(
  schema: Obj,
  args: Record<string, unknown>,
  /** Receives the fields whose pattern is no regular expression: not checked (lint reports them). */
  unchecked: string[] = [],
): string[] {
  const out: string[] = [];
  for (const f of strings(schema.required)) if (!(f in args)) out.push(`Required argument '${f}' is missing`);
  const props = isObj(schema.properties) ? schema.properties : {};
  for (const [f, rule] of Object.entries(props)) {
    if (!(f in args) || !isObj(rule)) continue;
    const v = args[f];
    if (typeof rule.type === 'string' && !isType(v, rule.type)) {
      out.push(`Argument '${f}' must be ${rule.type}, got ${pyType(v)}`);
      continue;
    }
    if (typeof v === 'number' && typeof rule.minimum === 'number' && v < rule.minimum)
      out.push(`Argument '${f}' value ${v} is below minimum ${rule.minimum}`);
    if (typeof v === 'number' && typeof rule.maximum === 'number' && v > rule.maximum)
      out.push(`Argument '${f}' value ${v} exceeds maximum ${rule.maximum}`);
    if (Array.isArray(rule.enum) && !rule.enum.some((e) => e === v))
      out.push(`Argument '${f}' value '${String(v)}' not in allowed values: ${pyRepr(rule.enum)}`);
    if (typeof rule.pattern === 'string' && typeof v === 'string') {
      let re: RegExp | undefined;
      try {
        re = policyRegExp(rule.pattern);
      } catch {
        re = undefined;
        unchecked.push(f);
      }
      if (re && !re.test(v))
        out.push(`Argument '${f}' value '${v}' does not match pattern '${rule.pattern}'`);
    }
  }
  return out;
}

function at(v: unknown, path: string): unknown {
  let cur = v;
  for (const p of path.split('.')) {
    if (!isObj(cur) || !(p in cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/**
 * The kwargs of a commit action not grounded in evidence (reference §3.6): a kwarg is grounded
 * when some evidence of its source action, in the current run and within the max age, has an
 * equal value at `source_field` of its result (or its kwargs). A missing kwarg is skipped.
 */
export function ungrounded(
  rules: Record<string, GroundingRule>,
  args: Record<string, unknown>,
  evidence: readonly Evidence[],
): string[] {
  const out: string[] = [];
  for (const [field, rule] of Object.entries(rules)) {
    if (!(field in args)) continue;
    const want = JSON.stringify(args[field]);
    const ok = evidence.some(
      (e) =>
        e.action === rule.source_action &&
        JSON.stringify(at(rule.source_from === 'kwargs' ? e.args : e.result, rule.source_field)) === want,
    );
    if (!ok) out.push(field);
  }
  return out;
}

/**
 * The name of every check `checksFor` (sentinel.ts) may put in a trace, in its order (and `checks`, the line of an
 * action no check is configured for): the names a policy test may expect to fire.
 */
export const SENTINEL_CHECKS = [
  'kill_switch',
  'denied_actions',
  'allowed_actions',
  'rate_limits',
  'budgets.session',
  'budgets.run',
  'budgets.actions',
  'evidence.requirements',
  'argument_constraints',
  'guardrails.pii',
  'guardrails.moderation',
  'guardrails.loop',
  'grounding_rules',
  'approval',
  'checks',
] as const;
