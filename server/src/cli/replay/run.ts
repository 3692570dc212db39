import { Replayer, type ReplayReport, type ReplaySides } from '../../core/index';
import { longLineFinding, readLines, truncatedFinding, type EventsFile } from '../../traffic/lines';

// Shared with the editor's impact worker; the CLI's modules keep importing them from here.
export { longLineFinding, truncatedFinding, type EventsFile };

export interface RunOptions {
  examples: number;
  maxFindings: number;
}

/** The replay on this thread: the files in order, line by line, both sides in step. */
export async function replayHere(
  files: readonly EventsFile[],
  sides: ReplaySides,
  options: RunOptions,
): Promise<ReplayReport> {
  const r = new Replayer(sides, options);
  for (const f of files) {
    const end = await readLines(
      f.path,
      (text, line) => r.push({ line, text, file: f.display }),
      (line, bytes) => {
        r.tally.line();
        r.tally.finding(longLineFinding(f, line, bytes));
      },
    );
    const cut = truncatedFinding(f, end);
    if (cut) r.tally.finding(cut);
  }
  return r.report();
}
