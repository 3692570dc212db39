import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { unifiedDiff } from '../../server/src/core/index';

/** `git apply` is the judge: the diff of before → after, applied to before, must give after. */
function applyWithGit(before: string, diff: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pl-diff-'));
  try {
    writeFileSync(join(dir, 'p.yaml'), before);
    writeFileSync(join(dir, 'fix.diff'), diff);
    execFileSync('git', ['apply', '--unidiff-zero', 'fix.diff'], { cwd: dir, stdio: 'pipe' });
    return readFileSync(join(dir, 'p.yaml'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const line = fc.constantFrom('a: 1', 'b: 2', 'c: 3', '  - x', '  - y', '', 'name: z');
const text = fc
  .tuple(fc.array(line, { maxLength: 25 }), fc.boolean())
  .map(([ls, eol]) => (ls.length ? ls.join('\n') + (eol ? '\n' : '') : ''));

describe('unified diff', () => {
  it('is empty for equal texts and names the file', () => {
    assert.equal(unifiedDiff('p.yaml', 'a\n', 'a\n'), '');
    assert.match(
      unifiedDiff('dir/p.yaml', 'a\n', 'b\n'),
      /^--- a\/dir\/p\.yaml\n\+\+\+ b\/dir\/p\.yaml\n@@ -1,1 \+1,1 @@\n-a\n\+b\n$/,
    );
  });

  it('applies with git apply to give the new text', () => {
    fc.assert(
      fc.property(text, text, (before, after) => {
        fc.pre(before !== after && before !== '');
        assert.equal(applyWithGit(before, unifiedDiff('p.yaml', before, after)), after);
      }),
      { numRuns: 40, seed: 15 },
    );
  });
});
