/**
 * The bytes of a recorded traffic file, decompressed when it is gzip, handed on a chunk at a time:
 * the one byte source of `replay`, `eval` and the editor's impact worker (docs/decisions/replay.md,
 * "Reading recordings").
 */
import { open, type FileHandle } from 'node:fs/promises';
import { TextDecoder } from 'node:util';
import { createGunzip } from 'node:zlib';
import { utf16Order } from '../core/index';

/** What the file is read in, and what a plain file's chunks are. */
const READ_BYTES = 1 << 20;
/**
 * A gzip file is written to zlib in slices of this many bytes, each slice's output handed on whole
 * before the next is written. When zlib fails, the output of the call that failed never comes out
 * of it (Node's zlib raises the error instead of handing on what that call decompressed), so the
 * slice that failed is written again one byte at a time (`gunzipPass`): 16 KB is about 0.4 s of
 * single-byte writes, once, on a file that is broken.
 */
const SLICE_BYTES = 1 << 14;
/** zlib's output buffer (Node's default is 16 KB: more calls for the same output). */
const CHUNK_BYTES = 1 << 18;

/** Why reading stopped before the end, in words. */
function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'Z_BUF_ERROR') return 'the gzip stream ends early';
  const message = (e as Error).message;
  // zlib's words when a member's header is expected: what follows the gzip data is something else.
  if (code === 'Z_DATA_ERROR' && message === 'incorrect header check')
    return 'bytes that are no gzip member (incorrect header check)';
  if (code === 'Z_DATA_ERROR') return `the gzip stream is corrupt (${message})`;
  return message;
}

/**
 * Reads the file at `path` to its end, gzip (by its magic bytes, whatever its name) or plain, and
 * calls `onBytes` with each chunk (a buffer of its own, which the caller may keep), awaiting it.
 * Resolves with undefined at the end of the file, or with why the reading stopped before it (a
 * gzip cut short or followed by bytes that are no gzip member, a read error): every byte before
 * the failure was handed on, whatever the timing, so where a file breaks is the same on every run.
 * A file that cannot be opened or read at all throws; so does `onBytes`.
 */
export async function readBytes(
  path: string,
  onBytes: (bytes: Buffer) => void | Promise<void>,
): Promise<string | undefined> {
  // A recording that starts with a UTF-16 byte order mark (PowerShell 5's `>` writes one) is
  // handed on as UTF-8: read as it was, every line was "not JSON" and a replay of 301 events
  // replayed none and let its gate pass.
  let first = true;
  let utf16: TextDecoder | undefined;
  const handOn = async (b: Buffer) => {
    if (first) {
      first = false;
      const order = utf16Order(b);
      if (order) utf16 = new TextDecoder(order === 'le' ? 'utf-16le' : 'utf-16be');
    }
    if (!utf16) return onBytes(b);
    const text = utf16.decode(b, { stream: true });
    if (text) await onBytes(Buffer.from(text, 'utf8'));
  };
  const stopped = await readAll(path, handOn);
  const rest = utf16?.decode();
  if (rest) await onBytes(Buffer.from(rest, 'utf8'));
  return stopped;
}

async function readAll(
  path: string,
  onBytes: (bytes: Buffer) => void | Promise<void>,
): Promise<string | undefined> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await file.read(head, 0, 2, 0);
    if (bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b) {
      const first = await gunzipPass(file, 0, undefined, onBytes);
      if (!first.failed?.slice) return first.failed && reason(first.failed.error);
      // Read the file again: up to the slice that failed as before, that slice one byte at a time,
      // handing on only what the first pass did not.
      const again = await gunzipPass(file, first.handedOn, first.failed.slice, onBytes);
      return again.failed && reason(again.failed.error);
    }
    for (let pos = 0; ;) {
      const chunk = await readAt(file, pos);
      if ('error' in chunk) return reason(chunk.error);
      if (!chunk.length) return undefined;
      pos += chunk.length;
      await onBytes(chunk);
    }
  } finally {
    await file.close();
  }
}

/**
 * The next chunk of the file from `pos` (a buffer of its own, the caller may keep it; empty at the
 * end), or why the read failed.
 */
async function readAt(file: FileHandle, pos: number): Promise<Buffer | { error: unknown }> {
  const chunk = Buffer.allocUnsafe(READ_BYTES);
  try {
    const { bytesRead } = await file.read(chunk, 0, READ_BYTES, pos);
    return bytesRead === READ_BYTES ? chunk : chunk.subarray(0, bytesRead);
  } catch (error) {
    return { error };
  }
}

/** Bytes of a file, from `from` to `to`. */
interface Slice {
  from: number;
  to: number;
}

/**
 * Why a pass stopped: zlib's error, and the slice whose write failed (when it was a write, not the
 * end of the input or a read of the file: only then does zlib hold output it did not hand on).
 */
interface Failure {
  error: unknown;
  slice?: Slice;
}

/**
 * One pass of zlib over a gzip file. Every slice's output is handed on before the next slice is
 * written, so when zlib fails only the failing call's own output is missing; the slice `fine`
 * (the one that failed in an earlier pass) is written a byte at a time, so that call decompresses
 * nothing. The first `skip` bytes of output (handed on by that earlier pass) are not handed on again.
 */
async function gunzipPass(
  file: FileHandle,
  skip: number,
  fine: Slice | undefined,
  onBytes: (bytes: Buffer) => void | Promise<void>,
): Promise<{ handedOn: number; failed?: Failure }> {
  const zlib = createGunzip({ chunkSize: CHUNK_BYTES });
  let error: unknown;
  let ended = false;
  let wake = () => {};
  zlib.on('readable', () => wake());
  zlib.on('end', () => {
    ended = true;
    wake();
  });
  zlib.on('error', (e) => {
    error ??= e;
    wake();
  });
  const waitForZlib = () => new Promise<void>((r) => (wake = r));
  let out = 0;
  /** Hands on what zlib holds, past the bytes to skip. */
  const drain = async () => {
    for (let b = zlib.read() as Buffer | null; b !== null; b = zlib.read() as Buffer | null) {
      const start = out;
      out += b.length;
      if (out > skip) await onBytes(start >= skip ? b : b.subarray(skip - start));
    }
  };
  const handedOn = () => Math.max(out, skip);
  try {
    for (let pos = 0; ;) {
      const chunk = await readAt(file, pos);
      if ('error' in chunk) return { handedOn: handedOn(), failed: { error: chunk.error } };
      const n = chunk.length;
      if (!n) break;
      for (let at = 0; at < n;) {
        const from = pos + at;
        const inFine = fine !== undefined && from >= fine.from && from < fine.to;
        // Slices start at multiples of SLICE_BYTES, so a pass finds the slice an earlier one failed in.
        const size = inFine ? 1 : Math.min(SLICE_BYTES - (from % SLICE_BYTES), n - at);
        let written = false;
        zlib.write(chunk.subarray(at, at + size), () => {
          written = true;
          wake();
        });
        for (;;) {
          await drain();
          if (error !== undefined)
            return { handedOn: handedOn(), failed: { error, slice: { from, to: from + size } } };
          if (written && zlib.readableLength === 0) break;
          await waitForZlib();
        }
        at += size;
      }
      pos += n;
    }
    // Every slice's output is out: what the end adds is only whether the stream ended where it should.
    zlib.end();
    for (;;) {
      await drain();
      if (error !== undefined) return { handedOn: handedOn(), failed: { error } };
      if (ended) return { handedOn: handedOn() };
      await waitForZlib();
    }
  } finally {
    zlib.destroy();
  }
}
