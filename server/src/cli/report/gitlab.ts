import { createHash } from 'node:crypto';
import type { Finding } from '../../core/index';
import { ITEMS, jsonChunks } from './json';
import type { FileResult } from './types';

/** GitLab's scale is info, minor, major, critical, blocker; an error stops a merge, so major. */
const SEVERITY: Record<Finding['severity'], string> = {
  error: 'major',
  warning: 'minor',
  info: 'info',
  hint: 'info',
};

/** One issue of GitLab's Code Quality report (the subset of Code Climate's format it reads). */
export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: string;
  location: {
    path: string;
    lines: { begin: number; end: number };
    positions: { begin: { line: number; column: number }; end: { line: number; column: number } };
  };
}

/**
 * GitLab's Code Quality report (`artifacts: reports: codequality:`): a JSON array with one issue
 * per finding. The merge request shows the issues that the branch adds or fixes by comparing
 * fingerprints with the target branch's report, so a fingerprint must be unique in a report and
 * stable when lines move: it hashes the path, the code, the message and the issue's rank among
 * the file's issues with the same code and message, never a line number. `pathOf` gives the path
 * from the repository's root, which is what GitLab links. One chunk per file (report/json.ts,
 * jsonChunks); a path is one file's (lint names each file once), so ranks are counted per file.
 */
export function formatGitlabChunks<T extends FileResult>(
  results: readonly T[],
  pathOf: (r: T) => string,
): Generator<string> {
  return jsonChunks(ITEMS, results, (r) => {
    const path = pathOf(r);
    const issues: CodeQualityIssue[] = [];
    const seen = new Map<string, number>();
    const push = (
      code: string,
      message: string,
      severity: string,
      at: Pick<CodeQualityIssue['location'], 'positions'>,
    ) => {
      const key = `${path}\0${code}\0${message}`;
      const rank = seen.get(key) ?? 0;
      seen.set(key, rank + 1);
      const { begin, end } = at.positions;
      issues.push({
        description: message,
        check_name: code,
        fingerprint: createHash('sha256').update(`${key}\0${rank}`).digest('hex').slice(0, 32),
        severity,
        location: { path, lines: { begin: begin.line, end: end.line }, positions: { begin, end } },
      });
    };
    if (r.readError)
      push('unreadable', r.readError, 'critical', {
        positions: { begin: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
      });
    for (const f of r.findings) {
      const s = r.lines.positionAt(f.span.start);
      const e = r.lines.positionAt(Math.max(f.span.end, f.span.start));
      push(f.code, f.message, SEVERITY[f.severity], {
        positions: {
          begin: { line: s.line + 1, column: s.character + 1 },
          end: { line: e.line + 1, column: e.character + 1 },
        },
      });
    }
    return issues;
  });
}

/** The same report as one string. */
export function formatGitlab<T extends FileResult>(results: readonly T[], pathOf: (r: T) => string): string {
  return [...formatGitlabChunks(results, pathOf)].join('');
}
