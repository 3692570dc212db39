// Turns raw samples into the results table: one row per scenario and metric, Policy Lens (A)
// against its peer or baseline (B), the ratio A ÷ B on medians, and the target for it.
import { summarize, ratio, type Summary } from './stats';

export interface Row {
  scenario: string;
  metric: string;
  unit: 'ms' | 'MB' | 'µs' | 'KB';
  aName: string;
  bName: string;
  a: Summary | undefined;
  b: Summary | undefined;
  /** Which statistic the ratio compares. */
  stat: 'median' | 'p95';
  ratio: number;
  /** The largest acceptable ratio, when the issue sets one for this row. */
  target?: number;
  met?: boolean;
  /** Why a side has no samples (e.g. "timed out after 120 s with 812/5000 files diagnosed"). */
  aFailed?: string;
  bFailed?: string;
}

/** One side of a row: who, the samples, and why there are none when a run did not finish. */
export interface Side {
  name: string;
  samples: number[] | undefined;
  failed?: string | undefined;
}

export function row(
  scenario: string,
  metric: string,
  unit: Row['unit'],
  a: Side,
  b: Side,
  target?: number,
  stat: Row['stat'] = 'median',
): Row {
  const sa = a.samples && a.samples.length ? summarize(a.samples) : undefined;
  const sb = b.samples && b.samples.length ? summarize(b.samples) : undefined;
  const r = ratio(sa?.[stat] ?? Number.NaN, sb?.[stat] ?? Number.NaN);
  const out: Row = { scenario, metric, unit, aName: a.name, bName: b.name, a: sa, b: sb, stat, ratio: r };
  if (a.failed && !sa) out.aFailed = a.failed;
  if (b.failed && !sb) out.bFailed = b.failed;
  if (target !== undefined) {
    out.target = target;
    if (Number.isFinite(r)) out.met = r <= target;
    // Policy Lens not finishing where the peer did is a miss, not a gap in the table.
    else if (out.aFailed && sb) out.met = false;
  }
  return out;
}

const fmt = (x: number | undefined, unit: Row['unit']): string => {
  if (x === undefined || !Number.isFinite(x)) return '—';
  if (unit === 'MB') return `${x.toFixed(0)} MB`;
  if (unit === 'KB') return `${x.toFixed(0)} KB`;
  if (unit === 'µs') return `${x.toFixed(1)} µs`;
  if (x >= 10_000) return `${(x / 1000).toFixed(1)} s`;
  if (x >= 100) return `${x.toFixed(0)} ms`;
  return `${x.toFixed(1)} ms`;
};

const cell = (s: Summary | undefined, unit: Row['unit'], failed?: string): string => {
  if (!s) return failed ? `✗ ${failed.split(' with ')[0]}` : 'n/a';
  return s.n > 1 ? `${fmt(s.median, unit)} (p95 ${fmt(s.p95, unit)})` : fmt(s.median, unit);
};

/** "met (2.9× better than needed)" / "missed by 40%" — the issue asks to say by how much. */
export function verdict(r: Row): string {
  if (r.target === undefined) return '';
  if (r.met === undefined) return 'not measured';
  if (r.met) return `met (${(r.target / r.ratio).toFixed(1)}× margin)`;
  if (!Number.isFinite(r.ratio)) return '**missed** (did not finish)';
  return `**missed** (${((r.ratio / r.target - 1) * 100).toFixed(0)}% over)`;
}

export function markdownTable(rows: Row[]): string {
  const lines = [
    '| Scenario | Metric | A | B | A | B | A ÷ B | Target | Result |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const ratioText = Number.isFinite(r.ratio) ? r.ratio.toFixed(2) : '—';
    const target = r.target !== undefined ? `≤ ${r.target}` : '';
    lines.push(
      `| ${r.scenario} | ${r.metric} | ${r.aName} | ${r.bName} | ${cell(r.a, r.unit, r.aFailed)} | ${cell(r.b, r.unit, r.bFailed)} | ` +
        `${ratioText} | ${target} | ${verdict(r)} |`,
    );
  }
  return lines.join('\n');
}

/** A plain-text rendering for the terminal: the same rows, aligned columns. */
export function textTable(rows: Row[]): string {
  const header = ['scenario', 'metric', 'A', 'B', 'A value', 'B value', 'A÷B', 'target', 'result'];
  const body = rows.map((r) => [
    r.scenario,
    r.metric,
    r.aName,
    r.bName,
    cell(r.a, r.unit, r.aFailed),
    cell(r.b, r.unit, r.bFailed),
    Number.isFinite(r.ratio) ? r.ratio.toFixed(2) : '—',
    r.target !== undefined ? `<= ${r.target}` : '',
    verdict(r).replace(/\*\*/g, ''),
  ]);
  const all = [header, ...body];
  const widths = header.map((_, i) => Math.max(...all.map((cols) => (cols[i] as string).length)));
  return all.map((cols) => cols.map((c, i) => c.padEnd(widths[i] as number)).join('  ')).join('\n');
}

/** The rows that carry a target, compactly: what the README shows. */
export function targetsTable(rows: Row[]): string {
  const lines = [
    '| Scenario | Metric | Policy Lens | Compared with | Ratio | Target | Result |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of rows.filter((x) => x.target !== undefined)) {
    const a = r.a ? fmt(r.a.median, r.unit) : r.aFailed ? `✗ ${r.aFailed.split(' with ')[0]}` : 'n/a';
    const b = r.b ? `${r.bName}: ${fmt(r.b.median, r.unit)}` : r.bName;
    const ratioText = Number.isFinite(r.ratio) ? r.ratio.toFixed(2) : '—';
    lines.push(
      `| ${r.scenario} | ${r.metric} | ${a} | ${b} | ${ratioText} | ≤ ${r.target} | ${verdict(r)} |`,
    );
  }
  return lines.join('\n');
}
