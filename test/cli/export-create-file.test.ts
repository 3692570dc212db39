// cli/export/createFile.ts where the file system has no hard links. Windows reports a FAT or exFAT
// drive's refusal of CreateHardLink (ERROR_INVALID_FUNCTION) as EISDIR, which no Linux file system
// here produces: `link` is replaced by one that fails as Windows does, the rest is the real disk.
import assert from 'node:assert/strict';
import fs, { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it, mock } from 'node:test';
import { createFile } from '../../server/src/cli/export/createFile';
import { removeDir, tempDir } from '../sync/harness';

const dirs: string[] = [];
after(() => {
  mock.restoreAll();
  for (const d of dirs) removeDir(d);
});

/** An error as Node throws it for a failed `link`. */
function linkError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: link`), { code, syscall: 'link' });
}

describe('export: creating a file where hard links are refused', () => {
  for (const code of ['EISDIR', 'EPERM', 'ENOTSUP']) {
    it(`link failing with ${code}: the file is created whole under its name, and never twice`, () => {
      const dir = tempDir(`export-nolink-${code.toLowerCase()}`);
      dirs.push(dir);
      const link = mock.method(fs, 'linkSync', () => {
        throw linkError(code);
      });
      try {
        createFile(join(dir, 'block-pii.yaml'), 'name: Block PII\n');
        assert.deepEqual(readdirSync(dir), ['block-pii.yaml'], 'no temporary file is left');
        assert.equal(readFileSync(join(dir, 'block-pii.yaml'), 'utf8'), 'name: Block PII\n');
        // Still create-only there: a second file of that name is refused, the first one kept.
        assert.throws(() => createFile(join(dir, 'block-pii.yaml'), 'other\n'), { code: 'EEXIST' });
        assert.equal(readFileSync(join(dir, 'block-pii.yaml'), 'utf8'), 'name: Block PII\n');
      } finally {
        link.mock.restore();
      }
    });
  }
});
