import { fromPolicyDialect, regexSyntaxError } from '../regexDialect';
import type { CelIssue } from './check';

interface Node {
  op?: string;
  args?: unknown;
  start?: number;
  end?: number;
}

/**
 * The constant patterns of an expression's `matches` calls (`x.matches("…")`, `matches(x, "…")`)
 * that the engine cannot build: each is an error at every event it is evaluated for, and an
 * evaluation error counts as a violation, so the policy would fire on every request while lint
 * called it valid. The pattern is read as the engine reads it (RE2's leading flags, `\A`, `\z`:
 * regexDialect.ts).
 */
export function invalidPatterns(ast: unknown): CelIssue[] {
  const out: CelIssue[] = [];
  const stack: unknown[] = [ast];
  while (stack.length) {
    const n = stack.pop() as Node | unknown[] | null;
    if (!n || typeof n !== 'object') continue;
    if (Array.isArray(n)) {
      stack.push(...n);
      continue;
    }
    const pattern = matchesPattern(n);
    if (pattern) {
      const problem = patternProblem(pattern.args as string);
      if (problem)
        out.push({
          code: 'cel/invalid-regex',
          severity: 'error',
          message: problem,
          start: pattern.start ?? 0,
          end: pattern.end ?? 0,
        });
    }
    if (n.args && typeof n.args === 'object') stack.push(n.args);
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The constant pattern argument of a `matches` call, if the node is one. */
function matchesPattern(n: Node): Node | undefined {
  if (!Array.isArray(n.args) || n.args[0] !== 'matches') return undefined;
  const list = (n.op === 'rcall' ? n.args[2] : n.op === 'call' ? n.args[1] : undefined) as unknown;
  if (!Array.isArray(list)) return undefined;
  const arg = (n.op === 'rcall' ? list[0] : list[1]) as Node | undefined;
  return arg?.op === 'value' && typeof arg.args === 'string' ? arg : undefined;
}

/** Why the engine cannot build `pattern`, or undefined when it can. */
export function patternProblem(pattern: string): string | undefined {
  const why = regexSyntaxError(pattern);
  if (why === undefined) return undefined;
  const { source } = fromPolicyDialect(pattern);
  const hint = /\(\?[a-zA-Z-]+[:)]/.test(source)
    ? ' (flags such as (?i) are read only at the very start of a pattern)'
    : '';
  const shown = pattern.length > 60 ? `${pattern.slice(0, 57)}…` : pattern;
  return `invalid regular expression "${shown}": ${why}${hint}; matches fails at every event, and an evaluation error counts as a violation`;
}
