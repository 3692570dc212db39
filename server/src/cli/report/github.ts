import type { Finding } from '../../core/index';
import type { FileResult } from './types';

/** GitHub's workflow-command escaping: data escapes %, CR and LF; properties also : and ,. */
const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const prop = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

const LEVEL: Record<Finding['severity'], string> = {
  error: 'error',
  warning: 'warning',
  info: 'notice',
  hint: 'notice',
};

/**
 * GitHub Actions annotations: one `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::msg`
 * workflow command per finding (1-based positions), shown on the pull request's diff. `pathOf`
 * gives the path from the checkout root, which is what GitHub matches. One chunk per file.
 */
export function* formatGithubChunks<T extends FileResult>(
  results: readonly T[],
  pathOf: (r: T) => string,
): Generator<string> {
  for (const r of results) {
    const file = prop(pathOf(r));
    const out: string[] = [];
    if (r.readError) out.push(`::error file=${file},title=unreadable::${data(r.readError)}`);
    for (const f of r.findings) {
      const s = r.lines.positionAt(f.span.start);
      const e = r.lines.positionAt(f.span.end);
      out.push(
        `::${LEVEL[f.severity]} file=${file},line=${s.line + 1},col=${s.character + 1},endLine=${e.line + 1},endColumn=${e.character + 1},title=${prop(f.code)}::${data(f.message)}`,
      );
    }
    if (out.length) yield out.join('\n') + '\n';
  }
}
