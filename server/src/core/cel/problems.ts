import { withPaths } from '../dialects/messages';
import type { FixSpec, Problem } from '../problem';
import { checkCel } from './check';
import { celUpgradeReason, expressionSites } from './sites';

/**
 * The CEL findings of a document: every expression of an Execlave expression policy, and every
 * Preloop condition that is CEL or that Preloop would upgrade to CEL when applying. Each problem
 * sits inside the string, at the characters the CEL parser or checker points to.
 */
export function celProblems(dialectId: string, value: unknown): Problem[] {
  const out: Problem[] = [];
  for (const site of expressionSites(dialectId, value)) {
    if (!site.expression.trim()) continue; // Empty expressions have their own findings.
    if (site.conditionType !== undefined && site.conditionType !== 'cel') {
      if (site.conditionType !== 'simple') continue; // An invalid condition_type is a schema error.
      const reason = celUpgradeReason(site.expression);
      if (!reason) continue;
      const condition = site.path.slice(0, -1);
      out.push({
        code: 'preloop/cel-upgrade',
        severity: 'info',
        message: `Preloop treats this condition as CEL because ${reason}: when applying, it upgrades condition_type "simple" to "cel" (to prevent policy bypass) and logs a warning. The docs say an omitted condition_type means the simple evaluator, which only compares (==, !=, <, <=, >, >=); CEL conditions need Preloop Enterprise.`,
        path: site.path,
        target: 'value',
        fixes: [
          {
            kind: 'composite',
            title: 'Declare condition_type: cel',
            steps: [
              'condition_type' in (conditionAt(value, condition) ?? {})
                ? { path: [...condition, 'condition_type'], fix: { kind: 'replaceValue', value: 'cel' } }
                : { path: condition, fix: { kind: 'addKeys', entries: [['condition_type', 'cel']] } },
            ],
          },
        ],
      });
    }
    for (const issue of checkCel(site.expression, site.context).issues) {
      const fixes: FixSpec[] = (issue.replacements ?? []).map((r, i) => ({
        kind: 'replaceValue',
        value: r.expression,
        title: r.title,
        preferred: i === 0,
      }));
      out.push({
        code: issue.code,
        severity: issue.severity,
        message: issue.message,
        path: site.path,
        target: 'value',
        inner: { start: issue.start, end: issue.end },
        ...(fixes.length ? { fixes } : {}),
      });
    }
  }
  return withPaths(out);
}

function conditionAt(value: unknown, path: (string | number)[]): Record<string, unknown> | undefined {
  let cur: unknown = value;
  for (const seg of path)
    cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[seg] : undefined;
  return cur && typeof cur === 'object' ? (cur as Record<string, unknown>) : undefined;
}
