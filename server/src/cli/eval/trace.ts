import { columnWidth, printable, type EvalResult, type TraceEntry } from '../../core/index';
import type { painter } from '../report/color';

type Paint = ReturnType<typeof painter>;

const GROUP: Record<TraceEntry['dialect'], string> = {
  execlave: 'Execlave (evaluation order)',
  preloop: 'Preloop',
  agentsentinel: 'Agent Sentinel (check_action order)',
};

/** The status column: `fired → block`, `skipped: prerequisite "x" violated`, `not applicable: agent`. */
export function statusText(t: TraceEntry): string {
  if (t.status === 'fired') return `fired → ${t.effect ?? 'block'}`;
  return t.reason ? `${t.status}: ${t.reason}` : t.status;
}

/**
 * The rows as aligned columns, two spaces apart. A column is as wide as its longest cell up to
 * `columnWidth`'s cap; a longer cell (a long policy name, `skipped: prerequisite "…" violated`)
 * pushes the rest of its own line right, and keeps the two spaces: padded to the capped width, it
 * was glued to the next column (`…violatedfinance-cost-cap`).
 */
function pad(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => columnWidth(rows.map((r) => r[c])));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : `${cell.padEnd(widths[c])}  `))
      .join('')
      .trimEnd(),
  );
}

/** The trace as text: one line per policy in evaluation order, grouped by product, then the decision. */
export function formatTrace(result: EvalResult, paint: Paint): string {
  const lines: string[] = [];
  for (const dialect of ['execlave', 'preloop', 'agentsentinel'] as const) {
    const entries = result.trace.filter((t) => t.dialect === dialect);
    if (!entries.length) continue;
    lines.push(GROUP[dialect]);
    // Names and messages quote policy files and events: control characters are shown, never sent to the terminal.
    const rows = entries.map((t) =>
      [statusText(t), t.policy, t.type, t.message ?? t.warning ?? ''].map(printable),
    );
    pad(rows).forEach((line, i) => {
      const t = entries[i];
      const painted =
        t.status === 'fired' ? (t.effect === 'block' ? paint.red(line) : paint.yellow(line)) : line;
      lines.push('  ' + painted);
      if (t.warning && t.message) lines.push(`      warning: ${printable(t.warning)}`);
      if (t.errorCode) lines.push(`      ${[t.errorCode, t.reasonCode].filter(Boolean).join(' · ')}`);
      if (t.assumption) lines.push(paint.dim(`      assumption: ${printable(t.assumption)}`));
    });
    lines.push('');
  }
  if (!result.trace.length) lines.push('no policy applies to this event', '');
  const head = `decision: ${result.decision}`;
  const colour =
    result.decision === 'block' ? paint.red : result.decision === 'allow' ? paint.green : paint.yellow;
  const extra = result.approvalWorkflow ? ` (approval workflow "${printable(result.approvalWorkflow)}")` : '';
  lines.push(colour(head) + extra + `  at ${result.at}`);
  for (const v of result.violations)
    lines.push(
      printable(`  violation: ${v.policyName} [${v.policyType}, ${v.enforcementMode}] ${v.message}`),
    );
  for (const w of result.warnings)
    lines.push(printable(`  warning: ${w.policyName} [${w.policyType}, ${w.enforcementMode}] ${w.message}`));
  return lines.join('\n') + '\n';
}

/** The exit status of a decision: 0 allowed, 1 blocked or denied, 3 waiting for approval. */
export function exitStatus(result: EvalResult): number {
  return result.decision === 'block' ? 1 : result.decision === 'require_approval' ? 3 : 0;
}
