import type { ReplayReport } from '../../core/index';

/**
 * What to say when the events files held no event that could be replayed (empty, blank, or only
 * lines that are not events): the editor's impact view says it (`traffic.jsonl is empty`), and a
 * CI gate on such a file must not pass as if the traffic had been checked and found unchanged.
 */
export function nothingReplayed(
  report: ReplayReport,
  files: readonly { display: string }[],
): string | undefined {
  if (report.replayed > 0) return undefined;
  const names = files.map((f) => f.display).join(', ');
  const bad = Object.values(report.findingCounts).reduce((a, b) => a + b, 0);
  const what = bad
    ? `no event in ${names} (${bad.toLocaleString('en')} bad line${bad === 1 ? '' : 's'})`
    : `${names} ${files.length === 1 ? 'is' : 'are'} empty`;
  return `${what}: nothing was replayed`;
}
