/**
 * Recorded traffic, one JSON value a line, read from disk with memory that stays flat whatever the
 * file's size: the one line reader of `replay` (one thread, one side per worker, parts), `eval`
 * and the editor's impact worker, so that they all count the same lines and report the same
 * findings at the same places.
 */
import type { ReplayFinding } from '../core/index';
import { readBytes } from './bytes';

/** What reading a file ended with: how many lines, and why it stopped early when it did. */
export interface ReadEnd {
  /** The lines read; when the reading stopped early, the whole ones before where it stopped. */
  lines: number;
  /** The stream failed before its end (a gzip cut short, a read error): the reason. */
  truncated?: string;
}

/** An events file: where it is, and the name findings and examples give it. */
export interface EventsFile {
  path: string;
  display: string;
}

/**
 * The longest line read, in bytes (its `\r` counted, not its `\n`). A longer line is never held
 * whole: its bytes are counted and dropped, and it is reported as too long. A line of 50 MB took a
 * replay to 705 MB, and a 2 GB file without a line end ran past 3 GB without an answer.
 */
export const MAX_LINE_BYTES = 8 << 20;

/**
 * Streams a JSON Lines file (gzip or plain) line by line, so memory stays flat whatever its size:
 * one chunk and the line being read, never the file. `onLine` gets each line's text and its number
 * (1-based), `\r\n` endings included; `onLong` gets a line longer than `MAX_LINE_BYTES` instead (its
 * number and length in bytes). A stream that fails midway (a gzip cut short, or followed by bytes
 * that are no gzip member) ends the reading with `truncated` set: every whole line before the
 * failure was delivered, the part of a line it cut was not, and `lines` counts the whole ones.
 * `onChunk` runs after each chunk read, awaited. A file that cannot be opened throws.
 */
export async function readLines(
  path: string,
  onLine: (text: string, line: number) => void,
  onLong: (line: number, bytes: number) => void,
  onChunk?: () => void | Promise<void>,
): Promise<ReadEnd> {
  let held: Buffer[] = [];
  let heldBytes = 0;
  /** The bytes of the too long line being skipped, -1 when none is. */
  let skipped = -1;
  let line = 0;
  const emit = (b: Buffer, start: number, end: number) => {
    line++;
    if (end - start > MAX_LINE_BYTES) return onLong(line, end - start);
    onLine(b.toString('utf8', start, end > start && b[end - 1] === 13 ? end - 1 : end), line);
  };
  const long = (bytes: number) => {
    line++;
    skipped = -1;
    onLong(line, bytes);
  };
  const flushHeld = (tail: Buffer) => {
    const whole = Buffer.concat([...held, tail]);
    held = [];
    heldBytes = 0;
    emit(whole, 0, whole.length);
  };
  const truncated = await readBytes(path, async (b) => {
    let start = 0;
    for (let nl = b.indexOf(10); nl !== -1; nl = b.indexOf(10, start)) {
      if (skipped >= 0) long(skipped + nl - start);
      else if (heldBytes) flushHeld(b.subarray(start, nl));
      else emit(b, start, nl);
      start = nl + 1;
    }
    const tail = b.length - start;
    if (skipped >= 0) skipped += tail;
    else if (heldBytes + tail > MAX_LINE_BYTES) {
      skipped = heldBytes + tail;
      held = [];
      heldBytes = 0;
    } else if (tail) {
      held.push(Buffer.from(b.subarray(start)));
      heldBytes += tail;
    }
    if (onChunk) await onChunk();
  });
  // The last line of a file that ends without a line end is a line; the bytes a failure cut are not.
  if (truncated) return { lines: line, truncated };
  if (skipped >= 0) long(skipped);
  else if (heldBytes) flushHeld(Buffer.alloc(0));
  return { lines: line };
}

/**
 * Streams a file (gzip or plain) in parts of about `partBytes` that end at a line end (the last one
 * at the file's end), each in a buffer of its own that can be handed to another thread. A line
 * longer than a part makes its part longer; one longer than `MAX_LINE_BYTES` is never held: it goes
 * to `onLong` (its length in bytes), between the parts before and after it. `onPart` and `onLong`
 * may make the reading wait. A stream that fails midway ends with `truncated` set, after a last
 * part with the whole lines read before the failure (as `readLines`, never the part of a line it cut).
 */
export async function readParts(
  path: string,
  partBytes: number,
  onPart: (bytes: Uint8Array) => Promise<void>,
  onLong: (bytes: number) => Promise<void>,
): Promise<{ truncated?: string }> {
  let held: Buffer[] = [];
  let heldBytes = 0;
  /** The bytes of the too long line being skipped, -1 when none is. */
  let skipped = -1;
  /** The first `n` bytes held, copied into a buffer of their own; the rest stays held. */
  const take = (n: number): Uint8Array => {
    const all = held.length === 1 ? held[0] : Buffer.concat(held, heldBytes);
    const part = new Uint8Array(n);
    part.set(all.subarray(0, n));
    drop(all, n);
    return part;
  };
  const drop = (all: Buffer, n: number) => {
    const rest = all.subarray(n);
    held = rest.length ? [Buffer.from(rest)] : [];
    heldBytes = rest.length;
  };
  const truncated = await readBytes(path, async (chunk) => {
    let b = chunk;
    if (skipped >= 0) {
      const nl = b.indexOf(10);
      if (nl === -1) {
        skipped += b.length;
        return;
      }
      const bytes = skipped + nl;
      skipped = -1;
      await onLong(bytes);
      b = b.subarray(nl + 1);
    }
    held.push(b);
    heldBytes += b.length;
    while (heldBytes >= partBytes) {
      const all = held.length === 1 ? held[0] : Buffer.concat(held, heldBytes);
      held = [all];
      const nl = all.lastIndexOf(10, partBytes - 1);
      const end = nl !== -1 ? nl : all.indexOf(10, partBytes);
      if (end === -1) {
        // One line without its end yet: past the longest line, its bytes are counted, not held.
        if (heldBytes > MAX_LINE_BYTES) {
          skipped = heldBytes;
          held = [];
          heldBytes = 0;
        }
        break;
      }
      // A first line longer than a part is the part on its own, unless it is too long.
      if (nl === -1 && end > MAX_LINE_BYTES) {
        drop(all, end + 1);
        await onLong(end);
      } else await onPart(take(end + 1));
    }
  });
  if (truncated) {
    // The whole lines held go on; the line the failure cut (held, or being skipped) does not.
    const all = heldBytes ? Buffer.concat(held, heldBytes) : Buffer.alloc(0);
    const whole = all.lastIndexOf(10) + 1;
    held = [all];
    if (whole) await onPart(take(whole));
    return { truncated };
  }
  if (skipped >= 0) await onLong(skipped);
  else if (heldBytes) await onPart(take(heldBytes));
  return {};
}

/** The finding for a file that stopped early, at the line after its last whole one. */
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
