/**
 * What `policylens export` prints on standard output, in the plan's manner:
 *
 *   Export from org "acme" at 127.0.0.1:7420 into policies:
 *     + "Block PII exfiltration"  → policies/block-pii-exfiltration.yaml
 *     ✗ "Café"                    not exported: policies/cafe.yaml declares it in another Unicode form; …
 *
 *   1 policy of the live org is declared by a bundle under policies already, and left alone.
 *   1 bundle written.
 *
 * Names, paths and the files' text come from outside: every field is escaped (core/text.ts).
 */
import { columnWidth, printable } from '../../core/index';

export interface ExportRow {
  name: string;
  /** The file, as shown (from the current directory): written, or to be written. */
  file?: string;
  /** Why the policy is not exported (then no file). */
  problem?: string;
}

export interface ExportReport {
  org: string;
  /** The folder, as shown. */
  into: string;
  rows: ExportRow[];
  declared: number;
  dryRun: boolean;
  /** With dryRun: each file's text. */
  contents?: { file: string; text: string }[];
}

const bundles = (n: number) => `${n} ${n === 1 ? 'bundle' : 'bundles'}`;
const policies = (n: number) => `${n} ${n === 1 ? 'policy' : 'policies'}`;

export function formatExport(r: ExportReport): string {
  const into = printable(r.into);
  const lines = [
    `Export from ${printable(r.org)} into ${into}${r.dryRun ? ' (dry run: nothing is written)' : ''}:`,
  ];
  const width = columnWidth(r.rows.map((row) => printable(JSON.stringify(row.name))));
  for (const row of r.rows) {
    const quoted = printable(JSON.stringify(row.name)).padEnd(width);
    lines.push(
      row.file !== undefined
        ? `  + ${quoted}  → ${printable(row.file)}`
        : `  ✗ ${quoted}  not exported: ${printable(row.problem ?? '')}`,
    );
  }
  if (!r.rows.length) lines.push('  (nothing to export)');
  lines.push('');
  if (r.declared && r.rows.length)
    lines.push(
      `${policies(r.declared)} of the live org ${r.declared === 1 ? 'is' : 'are'} declared by ${r.declared === 1 ? 'a bundle' : 'bundles'} under ${into} already, and left alone.`,
    );
  for (const c of r.contents ?? []) {
    lines.push(`--- ${printable(c.file)}`);
    lines.push(...c.text.replace(/\n$/, '').split('\n').map(printable), '');
  }
  const files = r.rows.filter((row) => row.file !== undefined).length;
  lines.push(
    files === 0
      ? r.rows.length
        ? 'Nothing exported.'
        : r.declared
          ? `Nothing to export: ${r.declared === 1 ? 'the policy of the live org is' : `each of the ${r.declared} policies of the live org is`} declared by a bundle under ${into}.`
          : 'Nothing to export: the live org has no policies.'
      : r.dryRun
        ? `${bundles(files)} would be written. Re-run without --dry-run to write ${files === 1 ? 'it' : 'them'}.`
        : `${bundles(files)} written.`,
  );
  return `${lines.join('\n')}\n`;
}
