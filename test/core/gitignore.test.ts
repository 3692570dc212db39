import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { GitIgnore } from '../../server/src/core/index';
import { FIXTURES } from '../support/fixtures';

/**
 * The matcher is held to git's own answer: a repository is made with the fixture's .gitignore files
 * and paths, `git check-ignore` says which are ignored, and the matcher must say the same.
 */
const DIR = join(FIXTURES, 'gitignore-matcher');

describe('.gitignore matcher', () => {
  it('ignores exactly the paths git check-ignore ignores', () => {
    const root = mkdtempSync(join(tmpdir(), 'pl-gitignore-'));
    try {
      const rootRules = readFileSync(join(DIR, 'root.gitignore'), 'utf8');
      const nestedRules = readFileSync(join(DIR, 'nested.gitignore'), 'utf8');
      const paths = readFileSync(join(DIR, 'paths.txt'), 'utf8').split('\n').filter(Boolean);
      execFileSync('git', ['init', '-q', root]);
      writeFileSync(join(root, '.gitignore'), rootRules);
      mkdirSync(join(root, 'sub'), { recursive: true });
      writeFileSync(join(root, 'sub', '.gitignore'), nestedRules);
      for (const p of paths) {
        mkdirSync(dirname(join(root, p)), { recursive: true });
        writeFileSync(join(root, p), 'x: 1\n');
      }
      let out = '';
      try {
        out = execFileSync('git', ['-C', root, 'check-ignore', '--stdin'], {
          input: paths.join('\n') + '\n',
          encoding: 'utf8',
        });
      } catch (e) {
        // Exit status 1 means "none ignored"; the fixture has ignored paths, so that is a failure too.
        out = (e as { stdout?: string }).stdout ?? '';
      }
      const byGit = new Set(out.split('\n').filter(Boolean));
      assert.ok(byGit.size >= 10 && byGit.size < paths.length, `git ignores ${byGit.size} paths`);
      const ours = new GitIgnore();
      ours.add('', rootRules);
      ours.add('sub', nestedRules);
      const differ = paths
        .filter((p) => ours.ignores(p) !== byGit.has(p))
        .map((p) => `${p}: git ${byGit.has(p) ? 'ignores' : 'keeps'} it`);
      assert.deepEqual(differ, []);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
