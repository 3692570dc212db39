import {
  agentRestText,
  columnWidth,
  DECISIONS,
  printable,
  RULES,
  uncountedText,
  type ReplayReport,
} from '../../core/index';

const n = (x: number) => x.toLocaleString('en');
const where = (x: { file?: string; line: number }) =>
  x.file !== undefined ? `${x.file}:${x.line}` : `line ${x.line}`;
const by = (names: string[]) => (names.length ? ` by ${names.map((p) => `"${p}"`).join(', ')}` : '');

/** The report as a reviewer reads it: totals, the decision table, each change with examples. */
export function formatReport(report: ReplayReport, labels: { current: string; baseline: string }): string {
  const out: string[] = [];
  out.push(`Replay: ${printable(labels.current)} against ${printable(labels.baseline)}`);
  out.push(
    `  ${n(report.events)} event${report.events === 1 ? '' : 's'}, ${n(report.replayed)} replayed · ${n(report.changed)} changed · newly blocked ${n(report.newlyBlocked)} · newly allowed ${n(report.newlyAllowed)}`,
  );
  out.push('', `  ${'decision'.padEnd(18)}${'baseline'.padStart(12)}${'working tree'.padStart(14)}`);
  for (const d of DECISIONS)
    out.push(
      `  ${d.padEnd(18)}${n(report.decisions.baseline[d]).padStart(12)}${n(report.decisions.current[d]).padStart(14)}`,
    );
  if (report.transitions.length) {
    out.push('', 'Changes');
    for (const t of report.transitions) {
      out.push(`  ${t.key}  ${n(t.count)}`);
      for (const e of t.examples)
        out.push(
          `    ${where(e)}  ${printable(e.agent ?? '(no agent)')}  ${t.to}${printable(by(e.current))}; was ${t.from}${printable(by(e.baseline))}`,
        );
      if (t.count > t.examples.length) out.push(`    … ${n(t.count - t.examples.length)} more`);
    }
    const counts = (c: { changed: number; transitions: Record<string, number> }) =>
      `${n(c.changed).padStart(8)}  ${Object.entries(c.transitions)
        .map(([k, v]) => `${k} ${n(v)}`)
        .join(' · ')}`;
    const width = columnWidth(
      [...report.byPolicy.map((p) => p.policy), ...report.byAgent.map((a) => a.agent)].map(printable),
    );
    out.push('', 'By policy');
    for (const p of report.byPolicy) out.push(`  ${printable(p.policy).padEnd(width)}${counts(p)}`);
    out.push('', 'By agent');
    for (const a of report.byAgent)
      out.push(`  ${printable(a.agent).padEnd(width)}${counts(a)}${uncountedText(a)}`);
    if (report.byAgentRest) out.push(`  ${agentRestText(report.byAgentRest, report.byAgent.length)}`);
  } else out.push('', 'No decision changes.');
  const total = Object.values(report.findingCounts).reduce((a, b) => a + b, 0);
  if (total) {
    out.push('', `Findings (${n(total)})`);
    for (const f of report.findings)
      out.push(`  ${printable(where(f))}  ${RULES[f.code].severity}  ${f.code}  ${printable(f.message)}`);
    if (total > report.findings.length) {
      const by = Object.entries(report.findingCounts)
        .map(([c, k]) => `${c} ${n(k)}`)
        .join(' · ');
      out.push(`  … ${n(total - report.findings.length)} more (${by})`);
    }
  }
  if (report.cancelled) out.push('', 'Cancelled: the report covers the events before.');
  return out.join('\n') + '\n';
}
