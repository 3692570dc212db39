/**
 * `policylens sync --format github` and the job summary (`$GITHUB_STEP_SUMMARY`): what a run appends
 * there, whether it made a plan or failed before one.
 */
import { appendFileSync } from 'node:fs';
import { printable } from '../../core/index';
import { reason } from '../files';

const HEADING = '### policylens sync';

/** `text` in a fence longer than any run of backticks in it, so that no name can close it early. */
function fenced(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const body = text.endsWith('\n') ? text : `${text}\n`;
  return `${fence}text\n${body}${fence}\n`;
}

/**
 * The plan's text (as `--format text` prints it) as markdown for the job summary: a heading and the
 * text fenced. The org's name (the server's word) stays inside the fence, where markdown means nothing.
 */
export function planSummaryMarkdown(text: string): string {
  return `${HEADING}\n\n${fenced(text)}\n`;
}

/**
 * A sync that failed before or instead of a plan (a refused key, an org that cannot be reached,
 * invalid bundles): the summary is where a failed job is read first, so it says so, with the
 * message of the `::error` (and the invalid bundles, one a line) fenced as the plan is.
 */
export function failureSummaryMarkdown(message: string, details: readonly string[] = []): string {
  return `${HEADING}\n\n**The sync failed; no plan was made.**\n\n${fenced([message, ...details].join('\n'))}\n`;
}

/**
 * Appends `markdown` to the job summary when `GITHUB_STEP_SUMMARY` names one. Appended, never
 * overwritten: earlier steps' parts stay. A summary that cannot be written is said on stderr and
 * changes no exit status: it is a copy of what the log holds.
 */
export function appendStepSummary(markdown: string, err: (text: string) => void): void {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  try {
    appendFileSync(file, markdown);
  } catch (e) {
    err(`policylens sync: cannot write the job summary (GITHUB_STEP_SUMMARY): ${printable(reason(e))}\n`);
  }
}
