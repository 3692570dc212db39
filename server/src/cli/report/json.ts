import type { FileResult } from './types';
import { countBy } from './types';

/** Machine-readable lint output: one object per file, ranges zero-based as in LSP. */
export function formatJson(results: readonly FileResult[]): string {
  return (
    JSON.stringify(
      {
        files: results.map((r) => ({
          file: r.file,
          dialect: r.dialect,
          valid: !r.readError && !r.findings.some((f) => f.severity === 'error'),
          ...(r.readError ? { error: r.readError } : {}),
          findings: r.findings.map((f) => ({
            code: f.code,
            severity: f.severity,
            message: f.message,
            ...(f.path !== undefined ? { path: f.path } : {}),
            range: { start: r.lines.positionAt(f.span.start), end: r.lines.positionAt(f.span.end) },
            ...(f.fixes?.length ? { fixes: f.fixes.map((x) => x.title) } : {}),
          })),
        })),
        summary: {
          files: results.length,
          errors: countBy(results, 'error'),
          warnings: countBy(results, 'warning'),
        },
      },
      null,
      2,
    ) + '\n'
  );
}
