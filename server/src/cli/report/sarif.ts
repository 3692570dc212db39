import type { Log, Notification, Region, ReportingDescriptor, Result } from 'sarif';
import type { Finding } from '../../core/index';
import { ITEMS, jsonChunks } from './json';
import { LEVEL, relativeUri, sarifRule, UNREADABLE } from './sarifParts';
import type { FileResult } from './types';

/**
 * SARIF 2.1.0 for code scanning: one rule per finding code with its help page, one result per
 * finding with a region (one-based lines and columns), file URIs relative to the repository's root
 * (`pathOf`) with `uriBaseId: %SRCROOT%`. A file that cannot be read fails the run, so the log says
 * why where each reader looks: a result of the rule `unreadable` (code scanning shows results only)
 * and a tool execution notification, with `executionSuccessful: false` (the file was not analysed).
 * The rules come first in the log, so they are gathered first; the results follow, one chunk per
 * file (report/json.ts, jsonChunks).
 */
export function formatSarifChunks<R extends FileResult>(
  results: readonly R[],
  version: string,
  pathOf: (result: R) => string,
): Generator<string> {
  const rules: ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  const notifications: Notification[] = [];
  const locationOf = (r: R, region: Region) => ({
    physicalLocation: { artifactLocation: { uri: relativeUri(pathOf(r)), uriBaseId: '%SRCROOT%' }, region },
  });
  const addRule = (code: Finding['code'] | typeof UNREADABLE, severity: Finding['severity']) => {
    if (ruleIndex.has(code)) return;
    ruleIndex.set(code, rules.length);
    rules.push(sarifRule(code, severity));
  };
  for (const r of results) {
    if (r.readError !== undefined) {
      addRule(UNREADABLE, 'error');
      notifications.push({
        level: 'error',
        message: { text: `${pathOf(r)}: ${r.readError}` },
        locations: [locationOf(r, { startLine: 1 })],
      });
    }
    for (const f of r.findings) addRule(f.code, f.severity);
  }
  const resultsOf = (r: R): Result[] => {
    const out: Result[] = [];
    // The file has no line to point at: its first, as GitLab's report does.
    if (r.readError !== undefined)
      out.push({
        ruleId: UNREADABLE,
        ruleIndex: ruleIndex.get(UNREADABLE),
        level: 'error',
        message: { text: r.readError },
        locations: [locationOf(r, { startLine: 1 })],
      });
    for (const f of r.findings) {
      const a = r.lines.positionAt(f.span.start);
      const b = r.lines.positionAt(Math.max(f.span.end, f.span.start));
      out.push({
        ruleId: f.code,
        ruleIndex: ruleIndex.get(f.code),
        level: LEVEL[f.severity],
        message: { text: f.message },
        locations: [
          locationOf(r, {
            startLine: a.line + 1,
            startColumn: a.character + 1,
            endLine: b.line + 1,
            endColumn: b.character + 1,
          }),
        ],
      });
    }
    return out;
  };
  const log: Log = {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: 'Policy Lens',
            informationUri: 'https://github.com/policy-lens/policy-lens',
            version,
            rules,
          },
        },
        // Only when a file could not be read: a clean log stays as code scanning's examples are.
        ...(notifications.length
          ? { invocations: [{ executionSuccessful: false, toolExecutionNotifications: notifications }] }
          : {}),
        results: ITEMS,
      },
    ],
  };
  return jsonChunks(log, results, resultsOf);
}
