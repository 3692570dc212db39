import type { PathSegment } from '../parse/ast';
import type { CelContextId } from './context';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** A string of a document that holds a CEL expression (or a Preloop condition that may be one). */
export interface ExpressionSite {
  path: PathSegment[];
  context: CelContextId;
  expression: string;
  /** For Preloop conditions: the declared `condition_type` (`simple` when omitted). */
  conditionType?: string;
}

/**
 * Where a document keeps its expressions: `ruleDefinition.expression` of an Execlave expression
 * policy, and `expression` of every Preloop tool and model_io condition.
 */
export function expressionSites(dialectId: string, value: unknown): ExpressionSite[] {
  const out: ExpressionSite[] = [];
  if (!isObj(value)) return out;
  if (dialectId === 'execlave') {
    const rd = value.ruleDefinition;
    if (value.policyType === 'expression' && isObj(rd) && typeof rd.expression === 'string')
      out.push({ path: ['ruleDefinition', 'expression'], context: 'execlave', expression: rd.expression });
  }
  if (dialectId === 'preloop') {
    const lists: [string, CelContextId][] = [
      ['tools', 'preloop'],
      ['model_io', 'preloop-model-io'],
    ];
    for (const [key, context] of lists) {
      const items = value[key];
      if (!Array.isArray(items)) continue;
      items.forEach((item, i) => {
        if (!isObj(item) || !Array.isArray(item.conditions)) return;
        item.conditions.forEach((c, j) => {
          if (!isObj(c) || typeof c.expression !== 'string') return;
          const conditionType = typeof c.condition_type === 'string' ? c.condition_type : 'simple';
          out.push({
            path: [key, i, 'conditions', j, 'expression'],
            context,
            expression: c.expression,
            conditionType,
          });
        });
      });
    }
  }
  return out;
}

/**
 * The CEL context of the string at `path`, if that string is an expression: what completion and
 * hover inside the string need to know.
 */
export function expressionContextAt(
  dialectId: string,
  value: unknown,
  path: readonly PathSegment[],
): CelContextId | undefined {
  const key = path.join('\u0000');
  return expressionSites(dialectId, value).find((s) => s.path.join('\u0000') === key)?.context;
}

const CEL_CALLS = [
  'contains(',
  'startsWith(',
  'endsWith(',
  'matches(',
  'exists(',
  'all(',
  'filter(',
  'map(',
  'size(',
  'type(',
  'has(',
  '.in(',
];

/**
 * Why Preloop's loader would treat an expression as CEL (its `_detect_condition_type`), or
 * undefined when it stays a simple comparison: a function call, ` in `, `&&`, `||`, `?`, `[`, `{`,
 * or a `!` that is not part of `!=`.
 */
export function celUpgradeReason(expression: string): string | undefined {
  const call = CEL_CALLS.find((c) => expression.includes(c));
  if (call) return `it calls ${call.replace(/^\./, '').replace('(', '()')}`;
  if (expression.includes(' in ')) return 'it uses the `in` operator';
  const op = ['&&', '||', '?', '[', '{'].find((c) => expression.includes(c));
  if (op) return `it contains \`${op}\``;
  if (/!(?!=)/.test(expression)) return 'it contains `!`';
  return undefined;
}
