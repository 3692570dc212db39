import { statSync } from 'node:fs';
import { reason, InputError } from '../files';

// The reader itself is shared with the editor's impact worker (server/src/traffic/); the CLI's
// modules keep importing it from here.
export { MAX_LINE_BYTES, readLines, readParts, type ReadEnd } from '../../traffic/lines';

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
