/**
 * The folder `policylens export` writes into: checked before the org is read (a usage error, exit 2,
 * when it is a file or cannot be written), read for the names it holds, and written file by file,
 * never over a file that exists.
 */
import { accessSync, constants, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fromCwd, InputError, reason } from '../files';
import { createFile } from './createFile';

/** Whether `dir` exists. Throws InputError when it is no folder, or one that cannot be written. */
export function checkFolder(dir: string, writing: boolean): boolean {
  const abs = resolve(dir);
  try {
    if (!statSync(abs).isDirectory())
      throw new InputError(`${dir} is not a folder: export writes one file per policy into a folder`);
  } catch (e) {
    if (e instanceof InputError) throw e;
    // ENOTDIR: a file on the way (`file.yaml/sub`), said below as such.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new InputError(`cannot read ${dir}: ${reason(e)}`);
    // A folder to create (when there is something to write): the nearest folder above it must be one
    // that can be written.
    let above = dirname(abs);
    while (!exists(above) && dirname(above) !== above) above = dirname(above);
    if (!statSync(above).isDirectory())
      throw new InputError(`cannot create ${dir}: ${fromCwd(above)} is not a folder`);
    if (writing) writable(above, `cannot create ${dir}`);
    return false;
  }
  if (writing) writable(abs, `cannot write into ${dir}`);
  return true;
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function writable(path: string, what: string): void {
  try {
    accessSync(path, constants.W_OK);
  } catch (e) {
    throw new InputError(`${what}: ${reason(e)}`);
  }
}

/** The names of the folder's entries (of every kind), or none when it does not exist yet. */
export function entriesOf(dir: string, present: boolean): string[] {
  return present ? readdirSync(dir) : [];
}

/**
 * Writes each file, creating the folder first; a file that exists is never replaced (one created
 * since the folder was read is an error, not overwritten), and a file that fails to be written is
 * not left half written (createFile.ts). Stops at the first failure.
 */
export function writeAll(
  dir: string,
  files: readonly { path: string; text: string }[],
): { written: number; error?: string } {
  let written = 0;
  try {
    if (files.length) mkdirSync(dir, { recursive: true });
    for (const f of files) {
      try {
        createFile(f.path, f.text);
      } catch (e) {
        const why =
          (e as NodeJS.ErrnoException).code === 'EEXIST'
            ? 'it exists (it was created since the folder was read); nothing is overwritten'
            : reason(e);
        return { written, error: `cannot write ${fromCwd(f.path)}: ${why}` };
      }
      written++;
    }
  } catch (e) {
    return { written, error: `cannot create ${dir}: ${reason(e)}` };
  }
  return { written };
}
