import type { FileResult } from './types';
import { countBy } from './types';

/**
 * Every command's JSON output: one object whose first key is \`version\` (the CLI's, from
 * package.json), then the command's own keys. The names are shared across commands: \`file\` is a
 * path as the text report prints it, \`files\` the per-file results, \`summary\` the counts
 * (schemas/cli/ holds each command's schema).
 */
export function toJson(version: string, body: object): string {
  return JSON.stringify({ version, ...body }, null, 2) + '\n';
}

/** Machine-readable lint output: one object per file, ranges zero-based as in LSP. */
export function formatJson(results: readonly FileResult[], version: string): string {
  return toJson(version, {
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
  });
}
