/**
 * What an export writes, before anything is written: the file of each selected policy (its name in
 * the folder, its text), read back as sync would read it; the rows the report prints; and what is
 * said on stderr.
 */
import { join } from 'node:path';
import {
  exportFiles,
  exportWarnings,
  invalidWrittenWarning,
  type DesiredBundle,
  type ExportFormat,
  type ExportSelection,
  type LiveOrgPolicy,
} from '../../core/index';
import { fromCwd } from '../files';
import type { ExportRow } from './print';
import { readBack, type PlannedFile } from './readBack';

export interface ExportPlan {
  rows: ExportRow[];
  /**
   * The files to write, in the rows' order, each with what is said on stderr about it once it is
   * written: prerequisites the org does not hold, a look-alike rename, an error lint finds in it.
   * A policy that is not written (✗) says only why not; the export that writes it says the rest.
   */
  files: (PlannedFile & { warnings: string[] })[];
  /** Something sync will not find in sync: a policy not exported, a file lint rejects. */
  failed: boolean;
}

/** The warnings of the first `written` files (all of them for a dry run), in their order. */
export function warningsOf(plan: ExportPlan, written = plan.files.length): string[] {
  return plan.files.slice(0, written).flatMap((f) => f.warnings);
}

export function planExport(
  selection: ExportSelection,
  context: {
    desired: readonly DesiredBundle[];
    live: readonly LiveOrgPolicy[];
    /** The folder (absolute) and the names of its entries. */
    dir: string;
    entries: readonly string[];
    format: ExportFormat;
    collect: { ignore: boolean; config?: string };
  },
): ExportPlan {
  const { bundles } = selection;
  const planned = exportFiles(bundles, context.entries, context.format).map((f) => ({
    name: f.name,
    path: join(context.dir, f.fileName),
    text: f.text,
  }));
  const checked = readBack(planned, context.desired, context.live, context.collect);
  const out: ExportPlan = { rows: [], files: [], failed: selection.skipped.length > 0 };
  bundles.forEach((b, i) => {
    const [check, file] = [checked[i]!, planned[i]!];
    if (check.kind === 'unwritten') {
      out.failed = true;
      out.rows.push({ name: b.name, problem: check.why });
      return;
    }
    const warnings = exportWarnings(b);
    if (check.kind === 'invalid') {
      out.failed = true;
      warnings.push(invalidWrittenWarning(fromCwd(file.path), check.why));
    }
    out.rows.push({ name: b.name, file: fromCwd(file.path) });
    out.files.push({ ...file, warnings });
  });
  for (const s of selection.skipped) out.rows.push({ name: s.name, problem: s.reason });
  return out;
}

/** After a write failed: the row of the file that failed says why, those after it were not tried. */
export function markUnwritten(plan: ExportPlan, written: number, error: string): void {
  plan.failed = true;
  const unwritten = plan.files.slice(written).map((f) => fromCwd(f.path));
  for (const row of plan.rows) {
    const at = row.file === undefined ? -1 : unwritten.indexOf(row.file);
    if (at < 0) continue;
    row.problem = at === 0 ? error : 'not written: export stopped at the error above';
    delete row.file;
  }
}
