import { celUpgradeReason, expressionSites } from '../../cel/sites';
import type { PathSegment } from '../../parse/ast';
import type { FixSpec, Problem } from '../../problem';

/**
 * Preloop's simple condition language (reference §2.6): `path op literal`, `op` one of
 * `== != > < >= <=`, the `args.` prefix optional in a tool condition. A literal is a number, a
 * quoted string, true/false/null (Python's True/False/None too) or another path. The evaluator
 * (eval/preloop-conditions.ts) and lint read conditions with this one parser, so lint reports
 * exactly the simple conditions that eval cannot read.
 */
export type SimpleRhs = { value: unknown } | { path: string };
export type SimpleParse = { path: string; op: string; rhs: SimpleRhs } | undefined;

const SIMPLE = /^\s*([A-Za-z_][\w.]*)\s*(==|!=|>=|<=|>|<)\s*(.+?)\s*$/;

function literal(text: string): SimpleRhs | undefined {
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return { value: Number(text) };
  const q = /^'(.*)'$|^"(.*)"$/.exec(text);
  if (q) return { value: q[1] ?? q[2] };
  if (text === 'true' || text === 'True') return { value: true };
  if (text === 'false' || text === 'False') return { value: false };
  if (text === 'null' || text === 'None') return { value: null };
  if (/^[A-Za-z_][\w.]*$/.test(text)) return { path: text };
  return undefined;
}

/** A simple condition's parts, or undefined when it is not `path op literal`. */
export function parseSimple(expression: string): SimpleParse {
  const m = SIMPLE.exec(expression);
  const rhs = m && literal(m[3]);
  return m && rhs ? { path: m[1], op: m[2], rhs } : undefined;
}

/** The documented boolean attributes of a model_io condition, which a bare path means to test. */
const BOOLEANS = ['pii.found', 'moderation.flagged'];

/** Operators written as other languages write them, and Preloop's. */
const TYPOS: [RegExp, string][] = [
  [/^(\s*[A-Za-z_][\w.]*\s*)===(?!=)/, '=='],
  [/^(\s*[A-Za-z_][\w.]*\s*)!==(?!=)/, '!='],
  [/^(\s*[A-Za-z_][\w.]*\s*)=<(?![=<>])/, '<='],
  [/^(\s*[A-Za-z_][\w.]*\s*)=>(?![=<>])/, '>='],
  [/^(\s*[A-Za-z_][\w.]*\s*)<>(?![=<>])/, '!='],
  [/^(\s*[A-Za-z_][\w.]*\s*)=(?![=<>])/, '=='],
];

/** The expression with a mistyped operator corrected, when that makes it a simple condition. */
function corrected(expression: string): { text: string; wrote: string; meant: string } | undefined {
  for (const [re, meant] of TYPOS) {
    const m = re.exec(expression);
    if (!m) continue;
    const wrote = m[0].slice(m[1].length);
    const text = m[1] + meant + expression.slice(m[0].length);
    return parseSimple(text) ? { text, wrote, meant } : undefined;
  }
  return undefined;
}

/**
 * Simple conditions (declared `simple`, or with no `condition_type`) that are not `path op
 * literal` and that Preloop's loader does not upgrade to CEL. Preloop documents nothing else for
 * the simple evaluator; Policy Lens's evaluator cannot read them and treats them as an evaluation
 * error (a `deny` or `require_approval` condition then matches every call, an `allow` none).
 */
export function simpleConditionProblems(doc: unknown): Problem[] {
  const out: Problem[] = [];
  for (const site of expressionSites('preloop', doc)) {
    const expr = site.expression;
    if (site.conditionType !== 'simple' || !expr.trim() || celUpgradeReason(expr)) continue;
    if (parseSimple(expr)) continue;
    const condition: PathSegment[] = site.path.slice(0, -1);
    const asCel: FixSpec = {
      kind: 'composite',
      title: 'Declare condition_type: cel',
      steps: [
        hasKey(doc, condition, 'condition_type')
          ? { path: [...condition, 'condition_type'], fix: { kind: 'replaceValue', value: 'cel' } }
          : { path: condition, fix: { kind: 'addKeys', entries: [['condition_type', 'cel']] } },
      ],
    };
    const base = `"${expr.trim()}" is not a simple condition: Preloop's simple evaluator reads path op literal (op one of ==, !=, >, <, >=, <=)`;
    const typo = corrected(expr);
    const bare = /^\s*([A-Za-z_][\w.]*)\s*$/.exec(expr)?.[1];
    let hint: string;
    let fixes: FixSpec[] = [];
    if (typo) {
      hint = `"${typo.wrote}" is not a comparison operator; did you mean "${typo.text.trim()}"?`;
      fixes = [
        {
          kind: 'replaceValue',
          value: typo.text.trim(),
          title: `Replace "${typo.wrote}" with "${typo.meant}"`,
          preferred: true,
        },
      ];
    } else if (bare && BOOLEANS.includes(bare)) {
      const fixed = `${bare} == true`;
      hint = `A bare path compares with nothing; did you mean "${fixed}" (or condition_type: cel)?`;
      fixes = [
        { kind: 'replaceValue', value: fixed, title: `Replace with "${fixed}"`, preferred: true },
        asCel,
      ];
    } else if (bare) hint = 'A bare path compares with nothing: compare it with a value.';
    else
      hint =
        'To combine comparisons, write several conditions (the first match wins) or a CEL condition (condition_type: cel, Preloop Enterprise).';
    const message = `${base}. Policy Lens's eval cannot read it either and counts it as an evaluation error (fail-closed: a deny or require_approval condition matches every call, an allow condition none). ${hint}`;
    out.push({
      code: 'preloop/simple-condition',
      severity: 'error',
      message,
      path: site.path,
      target: 'value',
      ...(fixes.length ? { fixes } : {}),
    });
  }
  return out;
}

function hasKey(doc: unknown, path: readonly PathSegment[], key: string): boolean {
  let cur: unknown = doc;
  for (const seg of path)
    cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[seg] : undefined;
  return !!cur && typeof cur === 'object' && key in cur;
}
