import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { reason, InputError } from '../files';

/** What reading a file ended with: how many lines, and why it stopped early when it did. */
export interface ReadEnd {
  lines: number;
  /** The stream failed before its end (a gzip cut short, a read error): the reason. */
  truncated?: string;
}

/** Checks that every events file can be opened, before any work: a missing file is a usage error. */
export function checkEventFiles(files: readonly { path: string; display: string }[]): number {
  let bytes = 0;
  for (const { path, display: f } of files) {
    try {
      const st = statSync(path);
      if (st.isDirectory())
        throw new InputError(`${f} is a folder: name its events files (e.g. ${f}/*.jsonl ${f}/*.jsonl.gz)`);
      if (!st.isFile()) throw new InputError(`cannot read ${f}: not a regular file`);
      bytes += st.size;
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(`cannot read ${f}: ${reason(e)}`);
    }
  }
  return bytes;
}

/** A gzip file starts with 1f 8b, whatever its name. */
function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** Why a stream stopped before its end. */
function readError(e: unknown): string {
  return (e as NodeJS.ErrnoException).code === 'Z_BUF_ERROR'
    ? 'the gzip stream ends early'
    : (e as Error).message;
}

function open(path: string, highWaterMark: number): Readable {
  const stream = createReadStream(path, { highWaterMark });
  return isGzip(path) ? stream.pipe(createGunzip({ chunkSize: 1 << 18 })) : stream;
}

/**
 * Streams a JSON Lines file (gzip or plain) line by line, so memory stays flat whatever its size:
 * one chunk and the line being read, never the file. `onLine` gets each line's text and its number
 * (1-based), `\r\n` endings included. A stream that fails midway (a gzip that ends early) ends the
 * reading with `truncated` set; the lines before it were delivered.
 */
export async function readLines(
  path: string,
  onLine: (text: string, line: number) => void,
  onChunk?: () => void | Promise<void>,
): Promise<ReadEnd> {
  const stream = open(path, 1 << 20);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let line = 0;
  const emit = (text: string) => {
    line++;
    onLine(text.endsWith('\r') ? text.slice(0, -1) : text, line);
  };
  let truncated: string | undefined;
  try {
    for await (const chunk of stream) {
      const text = rest + decoder.write(chunk as Buffer);
      let start = 0;
      try {
        for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
          emit(text.slice(start, nl));
          start = nl + 1;
        }
        rest = text.slice(start);
        if (onChunk) await onChunk();
      } catch (e) {
        throw { fromCaller: e };
      }
    }
  } catch (e) {
    stream.destroy();
    // The caller's failure (a line it refuses) goes on up; the stream's ends the reading.
    if (e && typeof e === 'object' && 'fromCaller' in e) throw e.fromCaller;
    truncated = readError(e);
  }
  rest += decoder.end();
  if (rest.length) emit(rest);
  return { lines: line, ...(truncated ? { truncated } : {}) };
}

/**
 * Streams a file (gzip or plain) in parts of about `partBytes` that end at a line end (the last one
 * at the file's end), each in a buffer of its own that can be handed to another thread. A line
 * longer than a part makes its part longer. `onPart` may make the reading wait. A stream that
 * fails midway ends with `truncated` set, after a last part with what had been read.
 */
export async function readParts(
  path: string,
  partBytes: number,
  onPart: (bytes: Uint8Array) => Promise<void>,
): Promise<{ truncated?: string }> {
  const stream = open(path, Math.max(1 << 16, Math.min(partBytes, 1 << 20)));
  let held: Buffer[] = [];
  let heldBytes = 0;
  /** The first `n` bytes held, copied into a buffer of their own; the rest stays held. */
  const take = (n: number): Uint8Array => {
    const all = held.length === 1 ? held[0] : Buffer.concat(held, heldBytes);
    const part = new Uint8Array(n);
    part.set(all.subarray(0, n));
    const rest = all.subarray(n);
    held = rest.length ? [Buffer.from(rest)] : [];
    heldBytes = rest.length;
    return part;
  };
  let truncated: string | undefined;
  try {
    for await (const chunk of stream) {
      held.push(chunk as Buffer);
      heldBytes += (chunk as Buffer).length;
      while (heldBytes >= partBytes) {
        const all = held.length === 1 ? held[0] : Buffer.concat(held, heldBytes);
        held = [all];
        const nl = all.lastIndexOf(10, partBytes - 1);
        const end = nl !== -1 ? nl : all.indexOf(10, partBytes);
        if (end === -1) break;
        await onPart(take(end + 1)).catch((e: unknown) => {
          throw { fromPart: e };
        });
      }
    }
  } catch (e) {
    // The reader's failure stops at the part read so far; the caller's goes on up.
    if (e && typeof e === 'object' && 'fromPart' in e) throw e.fromPart;
    truncated = readError(e);
    stream.destroy();
  }
  if (heldBytes) await onPart(take(heldBytes));
  return truncated ? { truncated } : {};
}
