/**
 * Creates a file with its whole text, or not at all, and never over a file that exists: what
 * `policylens export` needs of each file it writes. A write that fails part of the way (a full disk,
 * EIO, the process's file size limit) used to leave the start of a bundle under its final name, and
 * the next export stopped on it as an invalid bundle.
 *
 * The text goes to a temporary file in the same folder, is flushed to the disk, and is then hard
 * linked to its final name: `link` fails with EEXIST when the name is taken (so nothing is ever
 * replaced, as `O_EXCL` promised before) and makes the name appear with the whole text at once, even
 * to a reader between two steps or after a crash. The temporary file is then removed.
 *
 * A file system without hard links (FAT and exFAT drives, some network shares) refuses the link;
 * there the file is created under its final name with `O_EXCL` and, should a write fail, removed
 * again (it is ours: `O_EXCL` created it). Still never an overwrite and never a partial file after
 * an error; only a crash in the middle of the write can leave one there. Renaming the temporary
 * file instead would replace a file created under that name in the meantime (docs/decisions/sync.md).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * What `link` says on a file system that has no hard links: EPERM on Linux's FAT; EISDIR on Windows,
 * where CreateHardLink on a FAT or exFAT drive fails with ERROR_INVALID_FUNCTION, which libuv
 * reports as EISDIR (`link` never means a directory by it: a name taken by one is EEXIST); ENOTSUP
 * and EPERM from shares that refuse it.
 */
const NO_HARD_LINKS = new Set(['EPERM', 'EISDIR', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/** Folders whose file system refused a hard link in this run: the next files go straight there. */
const withoutLinks = new Set<string>();

/** Creates `path` holding `text`. Throws the error of the step that failed (EEXIST: the name is taken). */
export function createFile(path: string, text: string): void {
  const dir = dirname(path);
  if (withoutLinks.has(dir)) return writeWhole(path, text);
  // A hidden name that no walk takes for a policy (`.tmp`), unique to this process and file.
  const tmp = join(dir, `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  writeWhole(tmp, text);
  try {
    linkSync(tmp, path);
  } catch (e) {
    if (!NO_HARD_LINKS.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
    withoutLinks.add(dir);
    writeWhole(path, text);
  } finally {
    removeQuietly(tmp);
  }
}

/**
 * Writes a new file (`O_EXCL`) and flushes it to the disk; on any failure the file is removed, so
 * that an error leaves nothing behind. The flush makes a failure the disk reports late (a network
 * file system's full disk) an error here, before the file gets its name.
 */
function writeWhole(path: string, text: string): void {
  const fd = openSync(path, 'wx');
  try {
    try {
      writeFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    removeQuietly(path);
    throw e;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone, or the folder refuses: the error that matters is the caller's.
  }
}
