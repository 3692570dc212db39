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
  /**
   * The counts of its findings, when `findings` is made again at each read (lint/held.ts: lint did
   * not hold them); `countBy` reads these instead.
   */
  tally?: Tally;
}

/** The `dialect` of a policy test file's result (`lint` checks them as the editor does). */
export const POLICY_TEST_DIALECT = { id: 'policytest', label: 'policy test' } as const;

/** A file's errors and warnings. */
export interface Tally {
  error: number;
  warning: number;
}

/** The tally of a list of findings. */
export function tallyOf(findings: readonly Finding[]): Tally {
  const t = { error: 0, warning: 0 };
  for (const f of findings) if (f.severity === 'error' || f.severity === 'warning') t[f.severity]++;
  return t;
}

/** How many findings of `severity` the results have, an unreadable file counting as one error. */
export function countBy(results: readonly FileResult[], severity: Finding['severity']): number {
  // A loop that makes no list per result: the reports count every result four times.
  const tallied = severity === 'error' || severity === 'warning';
  let n = 0;
  for (const r of results) {
    if (r.tally && tallied) n += r.tally[severity];
    else for (const f of r.findings) if (f.severity === severity) n++;
    if (severity === 'error' && r.readError) n++;
  }
  return n;
}

/**
 * The chunks of a report joined into pieces of at least `size` characters (the last may be
 * shorter). A report comes one file at a time, and each write to standard output is a system call
 * and a pass through Node's stream: 5,000 files made 5,005 writes of about 300 bytes each. The
 * memory stays bounded (one piece, plus the chunk that completes it).
 */
export function* coalesce(chunks: Iterable<string>, size = 64 * 1024): Generator<string> {
  let pending: string[] = [];
  let length = 0;
  for (const chunk of chunks) {
    pending.push(chunk);
    length += chunk.length;
    if (length >= size) {
      yield pending.join('');
      pending = [];
      length = 0;
    }
  }
  if (length > 0) yield pending.join('');
}
