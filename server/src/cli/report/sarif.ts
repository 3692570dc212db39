import type { Log, ReportingDescriptor, Result } from 'sarif';
import { findingDocUrl, type Finding } from '../../core/index';
import { ITEMS, jsonChunks } from './json';
import type { FileResult } from './types';

const LEVEL: Record<Finding['severity'], Result.level> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
  hint: 'note',
};

/**
 * A relative path (`/`-separated) as the relative URI reference SARIF's `artifactLocation.uri` is
 * (SARIF 2.1.0 §3.4.3, RFC 3986): each segment percent-encoded as UTF-8, so that a space, `#` (a
 * fragment), `?` (a query), `%` (an escape), `:` (a scheme, in a first segment) or a non-ASCII
 * letter of a file name reads back as the same file; `/` stays the separator, `..` a step up.
 */
export function relativeUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/**
 * SARIF 2.1.0 for code scanning: one rule per finding code with its help page, one result per
 * finding with a region (one-based lines and columns), file URIs relative to the checkout root.
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
  for (const r of results)
    for (const f of r.findings)
      if (!ruleIndex.has(f.code)) {
        ruleIndex.set(f.code, rules.length);
        rules.push({
          id: f.code,
          name: f.code
            .replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase())
            .replace(/^\w/, (c) => c.toUpperCase()),
          shortDescription: { text: `Policy Lens ${f.code}` },
          helpUri: findingDocUrl(f.code),
          defaultConfiguration: { level: LEVEL[f.severity] },
        });
      }
  const resultsOf = (r: R): Result[] =>
    r.findings.map((f) => {
      const a = r.lines.positionAt(f.span.start);
      const b = r.lines.positionAt(Math.max(f.span.end, f.span.start));
      return {
        ruleId: f.code,
        ruleIndex: ruleIndex.get(f.code),
        level: LEVEL[f.severity],
        message: { text: f.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: relativeUri(pathOf(r)), uriBaseId: '%SRCROOT%' },
              region: {
                startLine: a.line + 1,
                startColumn: a.character + 1,
                endLine: b.line + 1,
                endColumn: b.character + 1,
              },
            },
          },
        ],
      };
    });
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
        results: ITEMS,
      },
    ],
  };
  return jsonChunks(log, results, resultsOf);
}
