import { Replayer, type ReplayFinding, type ReplayReport, type ReplaySides } from '../../core/index';
import { MAX_LINE_BYTES, readLines, type ReadEnd } from './lines';

/** An events file: where it is, and the name findings and examples give it. */
export interface EventsFile {
  path: string;
  display: string;
}

export interface RunOptions {
  examples: number;
  maxFindings: number;
}

/** The finding for a file that stopped early, after its last line. */
export function truncatedFinding(file: EventsFile, end: ReadEnd): ReplayFinding | undefined {
  if (!end.truncated) return undefined;
  return {
    file: file.display,
    line: end.lines + 1,
    code: 'replay/truncated-input',
    message: `${end.truncated} after line ${end.lines}: the events after it are lost`,
  };
}

/** The finding for a line longer than `MAX_LINE_BYTES` (`line` counted from 1 in its file). */
export function longLineFinding(file: EventsFile | undefined, line: number, bytes: number): ReplayFinding {
  // `file` last, as the decoder's findings have it (reports are compared byte for byte).
  return {
    line,
    code: 'replay/line-too-long',
    message: `the line is ${bytes.toLocaleString('en')} bytes, more than the ${MAX_LINE_BYTES.toLocaleString('en')} a line may hold: not replayed`,
    ...(file ? { file: file.display } : {}),
  };
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
