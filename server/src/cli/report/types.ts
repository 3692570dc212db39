import type { Finding, LineIndex } from '../../core/index';

/** One linted file, as every reporter receives it. */
export interface FileResult {
  file: string;
  dialect: string;
  dialectLabel: string;
  findings: Finding[];
  /** Places offsets (a LineIndex, or the line starts `lint --cache` kept). */
  lines: Pick<LineIndex, 'positionAt'>;
  /** An I/O error reading the file (the lint goes on with the next file). */
  readError?: string;
}

export const countBy = (results: readonly FileResult[], severity: Finding['severity']): number =>
  results.reduce(
    (n, r) =>
      n +
      r.findings.filter((f) => f.severity === severity).length +
      (severity === 'error' && r.readError ? 1 : 0),
    0,
  );
