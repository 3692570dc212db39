import type { Finding } from '../../core/index';
import type { FileResult } from './types';

/** GitHub's workflow-command escaping: data escapes %, CR and LF; properties also : and ,. */
const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const prop = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

const LEVEL: Record<Finding['severity'], 'error' | 'warning' | 'notice'> = {
  error: 'error',
  warning: 'warning',
  info: 'notice',
  hint: 'notice',
};

/** Where an annotation sits: a file (from the checkout root), 1-based positions, and a title. */
export interface AnnotationProps {
  file?: string;
  line?: number;
  col?: number;
  endLine?: number;
  endColumn?: number;
  title?: string;
}

/**
 * One workflow command (`::error file=…,line=…::message`), escaped: the one escaper of every
 * GitHub report (lint's findings, sync's plan). Properties are written in GitHub's order and only
 * when given.
 */
export function workflowCommand(
  level: 'error' | 'warning' | 'notice',
  props: AnnotationProps,
  message: string,
): string {
  const parts: string[] = [];
  for (const key of ['file', 'line', 'col', 'endLine', 'endColumn', 'title'] as const) {
    const v = props[key];
    if (v !== undefined) parts.push(`${key}=${typeof v === 'number' ? v : prop(v)}`);
  }
  return `::${level}${parts.length ? ` ${parts.join(',')}` : ''}::${data(message)}`;
}

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
    const file = pathOf(r);
    const out: string[] = [];
    if (r.readError) out.push(workflowCommand('error', { file, title: 'unreadable' }, r.readError));
    for (const f of r.findings) {
      const s = r.lines.positionAt(f.span.start);
      const e = r.lines.positionAt(f.span.end);
      out.push(
        workflowCommand(
          LEVEL[f.severity],
          {
            file,
            line: s.line + 1,
            col: s.character + 1,
            endLine: e.line + 1,
            endColumn: e.character + 1,
            title: f.code,
          },
          f.message,
        ),
      );
    }
    if (out.length) yield out.join('\n') + '\n';
  }
}
