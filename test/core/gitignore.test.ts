import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { GitIgnore } from '../../server/src/core/index';
import { rng } from '../../bench/corpus';
import { counting } from '../support/counting';
import { FIXTURES } from '../support/fixtures';

/**
 * The matcher is held to git's own answer: a repository is made with the fixture's .gitignore files
 * and paths, `git check-ignore` says which are ignored, and the matcher must say the same.
 */
const DIR = join(FIXTURES, 'gitignore-matcher');

/** A repository with the two .gitignore files and the paths, and the paths git says it ignores. */
function ignoredByGit(
  repo: string,
  rootRules: string,
  nestedRules: string,
  paths: readonly string[],
): Set<string> {
  execFileSync('git', ['init', '-q', repo]);
  writeFileSync(join(repo, '.gitignore'), rootRules);
  mkdirSync(join(repo, 'sub'), { recursive: true });
  writeFileSync(join(repo, 'sub', '.gitignore'), nestedRules);
  for (const p of paths) {
    mkdirSync(dirname(join(repo, p)), { recursive: true });
    writeFileSync(join(repo, p), 'x: 1\n');
  }
  try {
    const out = execFileSync('git', ['-C', repo, 'check-ignore', '--stdin'], {
      input: paths.join('\n') + '\n',
      encoding: 'utf8',
    });
    return new Set(out.split('\n').filter(Boolean));
  } catch (e) {
    // Exit status 1 means "none ignored".
    return new Set(((e as { stdout?: string }).stdout ?? '').split('\n').filter(Boolean));
  }
}

describe('.gitignore matcher', () => {
  it('ignores exactly the paths git check-ignore ignores', () => {
    const root = mkdtempSync(join(tmpdir(), 'pl-gitignore-'));
    try {
      const rootRules = readFileSync(join(DIR, 'root.gitignore'), 'utf8');
      const nestedRules = readFileSync(join(DIR, 'nested.gitignore'), 'utf8');
      const paths = readFileSync(join(DIR, 'paths.txt'), 'utf8').split('\n').filter(Boolean);
      const byGit = ignoredByGit(root, rootRules, nestedRules, paths);
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

  it('ignores what git ignores for 30 random pairs of .gitignore files', () => {
    // Names, paths and name endings are looked up rather than tried: mixed with wildcards,
    // negations and directory-only patterns, in both files, the last match must still decide.
    const next = rng(11);
    const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
    const FILES = ['a.yaml', 'b.json', 'x.log', 'keep.yaml', 'bb.yaml'];
    const FOLDERS = ['sub', 'deep', 'out', 'build', 'p'];
    const NAMES = [...FILES, ...FOLDERS];
    const PATTERNS = [
      ...NAMES,
      ...NAMES.map((n) => `!${n}`),
      ...NAMES.map((n) => `${n}/`),
      '/build',
      '/sub/deep',
      'deep/a.yaml',
      '*.log',
      '*.yaml',
      '!*.yaml',
      '*a.yaml',
      'b*',
      '**/out/**',
      '?.json',
      '[ab].yaml',
    ];
    const root = mkdtempSync(join(tmpdir(), 'pl-gitignore-random-'));
    try {
      let ignored = 0;
      for (let run = 0; run < 30; run++) {
        const repo = join(root, String(run));
        const rootRules = Array.from({ length: 8 }, () => pick(PATTERNS)).join('\n') + '\n';
        const nestedRules = Array.from({ length: 4 }, () => pick(PATTERNS)).join('\n') + '\n';
        const paths = [
          ...new Set(
            Array.from({ length: 40 }, () =>
              [...Array.from({ length: Math.floor(next() * 3) }, () => pick(FOLDERS)), pick(FILES)].join('/'),
            ),
          ),
        ];
        const byGit = ignoredByGit(repo, rootRules, nestedRules, paths);
        ignored += byGit.size;
        const ours = new GitIgnore();
        ours.add('', rootRules);
        ours.add('sub', nestedRules);
        const differ = paths.filter((p) => ours.ignores(p) !== byGit.has(p));
        assert.deepEqual(differ, [], `${JSON.stringify(rootRules)} / sub: ${JSON.stringify(nestedRules)}`);
      }
      assert.ok(ignored > 100, `${ignored} paths ignored by git`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('looks up patterns that name a path, a name or an end of name instead of trying each', () => {
    const ours = new GitIgnore();
    ours.add(
      '',
      Array.from({ length: 3_000 }, (_, i) => `drafts${i}/\n*.tmp${i}\n/build${i}`).join('\n') + '\n*.bak\n',
    );
    let tried = 0;
    const answers = counting(
      RegExp.prototype,
      'exec',
      () => tried++,
      () => [
        ...Array.from({ length: 1_000 }, (_, i) => ours.ignores(`policies/team${i % 9}/p${i}.yaml`)),
        ours.ignores('policies/drafts7/p.yaml'),
        ours.ignores('x.tmp2999'),
        ours.ignores('build12/a.yaml'),
        ours.ignores('a/build12/b.yaml'),
        ours.ignores('a/old.bak'),
      ],
    );
    assert.deepEqual(answers.slice(1_000), [true, true, true, false, true]);
    assert.equal(answers.slice(0, 1_000).filter(Boolean).length, 0);
    // One pattern (`*.bak` is looked up too) is left to try: a few expressions per path.
    assert.ok(tried < 5 * 1_005 * 3, `${tried} expressions tried for 1,005 paths`);
  });
});
