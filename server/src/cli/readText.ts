import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { decodeUtf16, MAX_TEXT_LENGTH, tooLargeFinding, utf16Order, type Utf16Order } from '../core/index';

/**
 * Reading a policy file's text, for every command: regular files only, sizes checked first, UTF-8
 * or UTF-16 with a byte order mark. The walk that finds the files is files.ts.
 */

/**
 * Files with more bytes than this are refused without being read. UTF-8 never takes more than three
 * bytes per UTF-16 unit (a three-byte sequence is one unit, a four-byte one two, an invalid byte
 * one U+FFFD), so a file over three times the engine's text limit cannot hold a text the engine
 * would analyse; a file between the two is read and measured by its text, exactly as the editor
 * measures an open document.
 */
export const MAX_READ_BYTES = 3 * MAX_TEXT_LENGTH;

export type PolicyText =
  /** `utf16`: the file is UTF-16 with a byte order mark, decoded (a fix writes it back so). */
  | { kind: 'text'; text: string; invalidEncoding: boolean; utf16?: Utf16Order }
  /** A regular file too large to be a policy, refused by its size without reading it. */
  | { kind: 'too-large'; bytes: number };

/**
 * Reads a policy file as UTF-8 text, saying whether the bytes were valid UTF-8. The file is
 * stat'ed first (following symlinks): anything but a regular file throws without being opened (a
 * named pipe blocks the read until a writer comes, a device such as `/dev/zero` never ends), and
 * a file over MAX_READ_BYTES is refused by its size. Reading straight to a string is one call into
 * Node's C++ (reading a Buffer first costs open, fstat, read and close from JavaScript: three times
 * the time on 5,000 small files). Invalid bytes decode to U+FFFD, so only a text that contains one
 * is read again as bytes to tell a real U+FFFD from a replaced byte.
 *
 * `regular` says that a directory walk has just seen the file as a regular file (its directory
 * entry, not a symlink): the stat is then skipped (see `readSeenFile`).
 */
export function readPolicyText(path: string, regular = false): PolicyText {
  if (regular) return readSeenFile(path);
  const st = statSync(path);
  if (!st.isFile()) throw new Error('not a regular file');
  if (st.size > MAX_READ_BYTES) return { kind: 'too-large', bytes: st.size };
  const text = readFileSync(path, 'utf8');
  if (!text.includes('\uFFFD')) return { kind: 'text', text, invalidEncoding: false };
  // A UTF-16 byte order mark is no UTF-8: such a file is always read here again as bytes.
  return textOfBytes(readFileSync(path));
}

/** The text of a file's bytes: UTF-16 when it starts with that byte order mark, else UTF-8. */
function textOfBytes(bytes: Buffer, n = bytes.length): PolicyText & { kind: 'text' } {
  const order = utf16Order(bytes.subarray(0, n));
  if (order) {
    const { text, complete } = decodeUtf16(bytes, order, n);
    return { kind: 'text', text, invalidEncoding: !complete, utf16: order };
  }
  const text = bytes.toString('utf8', 0, n);
  return { kind: 'text', text, invalidEncoding: text.includes('\uFFFD') && !isUtf8(bytes.subarray(0, n)) };
}

/** Windows has no O_NONBLOCK (and no named pipes in a folder walk). */
const OPEN_SEEN = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
/** What a file is read into first: every bundle of the bench's corpora fits many times over. */
const FIRST_READ = 64 * 1024;
let firstBuffer: Buffer | undefined;

/**
 * Reads a file that the walk saw as a regular file, without a stat: the `Stats` object that
 * `statSync` builds (four `Date`s included) cost as much as the read itself, 40 of 100 ms of CPU
 * on 5,000 bundles. The file is opened non-blocking and read into a reused buffer; only a file
 * that fills it is `fstat`'ed on the open descriptor, then refused by its type or its size exactly
 * as `readPolicyText` refuses it. So a file swapped for a named pipe or a device after the walk
 * still cannot hang the run (the read does not block) nor grow without bound (the read stops at
 * the buffer, then at MAX_READ_BYTES).
 */
function readSeenFile(path: string): PolicyText {
  const fd = openSync(path, OPEN_SEEN);
  try {
    let buf = (firstBuffer ??= Buffer.allocUnsafe(FIRST_READ));
    let n = fill(fd, buf, 0);
    if (n === buf.length) {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new Error('not a regular file');
      if (st.size > MAX_READ_BYTES) return { kind: 'too-large', bytes: st.size };
      // Room for the whole file and one more byte, so that reaching the end is seen.
      for (let size = Math.max(st.size + 1, 2 * n); n === buf.length; size *= 2) {
        if (n > MAX_READ_BYTES) return { kind: 'too-large', bytes: Math.max(st.size, n) };
        const bigger = Buffer.allocUnsafe(Math.min(size, MAX_READ_BYTES + 1));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
        n = fill(fd, buf, n);
      }
    }
    return textOfBytes(buf, n);
  } finally {
    closeSync(fd);
  }
}

/** Reads from `fd` into `buf` from `at` until the buffer is full or the file ends; the bytes held. */
function fill(fd: number, buf: Buffer, at: number): number {
  let n = at;
  while (n < buf.length) {
    const got = readSync(fd, buf, n, buf.length - n, null);
    if (got === 0) break;
    n += got;
  }
  return n;
}

/**
 * The whole text of a file, for commands that need all of it or nothing (eval, test): a file
 * refused by its size throws, as an unreadable one does.
 */
export function readWholeText(path: string): string {
  const read = readPolicyText(path);
  if (read.kind === 'too-large') throw new Error(tooLargeFinding(read.bytes, 'disk').message);
  return read.text;
}
