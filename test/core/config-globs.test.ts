// The globs of policylens.config.yaml (core/config/resolve.ts): matched as picomatch matches them,
// each glob on its own, and at a cost that does not grow with globs × files for globs that name a
// folder or file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rng } from '../../bench/corpus';
import { counting } from '../support/counting';
import picomatch from 'picomatch';
import { ResolvedConfig } from '../../server/src/core/config/resolve';

/**
 * picomatch's own matcher for the list, as the config's globs are documented to match: a path
 * matches when it, or a folder it is in, matches a glob (a glob that names a folder means what is
 * under it, as in .gitignore); a negated glob is tried on the path alone.
 */
function reference(globs: string[]): (p: string) => boolean {
  const m = picomatch(globs, { dot: true, windows: false });
  const base = globs.filter((g) => !g.includes('/'));
  const mb = base.length ? picomatch(base, { dot: true, windows: false, basename: true }) : () => false;
  const positive = globs.filter((g) => !g.startsWith('!'));
  const mp = picomatch(positive.length ? positive : ['\0'], { dot: true, windows: false });
  const mpb = picomatch(positive.filter((g) => !g.includes('/')).concat('\0'), {
    dot: true,
    windows: false,
    basename: true,
  });
  return (p) => {
    if (m(p) || mb(p)) return true;
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      if (mp(folder) || mpb(folder)) return true;
    }
    return false;
  };
}

const config = (exclude: string[]) =>
  new ResolvedConfig({ include: [], exclude, dialects: {}, rules: {}, overrides: [], gitignore: true });

const GLOBS = [
  '**/drafts/**',
  'drafts/*.yaml',
  '*.wip.yaml',
  'policies/a.yaml',
  'policies/**/b.json',
  '!policies/keep.yaml',
  '**/*.{yaml,json}',
  'agents/?.yaml',
  '[ab].yaml',
  '@(x|y)/**',
  '.hidden/**',
  'policies',
  'a.yaml',
  '**/tests/*',
  'x/y/z.json',
  'drafts',
];
const SEGMENTS = [
  'policies',
  'drafts',
  'agents',
  'tests',
  '.hidden',
  'x',
  'y',
  'z.json',
  'a.yaml',
  'b.json',
  'keep.yaml',
  'c.wip.yaml',
  '[ab].yaml',
  'q.yaml',
];

describe('config globs', () => {
  it('match what picomatch matches, for 3,000 random sets of globs and paths', () => {
    const next = rng(7);
    let matched = 0;
    for (let run = 0; run < 3_000; run++) {
      const globs = GLOBS.filter(() => next() < 0.25);
      if (!globs.length) continue;
      const ours = config(globs);
      const theirs = reference(globs);
      for (let k = 0; k < 10; k++) {
        const depth = 1 + Math.floor(next() * 4);
        const path = Array.from({ length: depth }, () => SEGMENTS[Math.floor(next() * SEGMENTS.length)]).join(
          '/',
        );
        const want = theirs(path);
        if (want) matched++;
        assert.equal(ours.excludes(path), want, `${JSON.stringify(globs)} ${path}`);
      }
    }
    assert.ok(matched > 3_000, `${matched} matches`);
  });

  it('tries a glob with a literal segment only on paths that have the segment', () => {
    // 2,000 excluded folders and 2,000 files outside them: each glob's expression scanned every
    // path (27 s of a lint for 5,000 of each).
    const globs = Array.from({ length: 2_000 }, (_, i) => `**/drafts${i}/**/*.{yaml,json}`);
    const c = config(globs);
    let tested = 0;
    // `test` goes through `exec` (as picomatch's matcher does directly): both are counted here.
    const excluded = counting(
      RegExp.prototype,
      'exec',
      () => tested++,
      () => [
        ...Array.from({ length: 2_000 }, (_, i) => c.excludes(`policies/team${i % 7}/p${i}.yaml`)),
        c.excludes('policies/drafts1999/old/p.yaml'),
      ],
    );
    assert.equal(excluded.filter(Boolean).length, 1);
    assert.ok(excluded[2_000]);
    assert.ok(tested < 10 * 2_001, `${tested} expressions tried for 2,001 paths`);
  });

  it('read a folder, a trailing `/` and a leading `/` as .gitignore does', () => {
    const cases: [string, string, boolean][] = [
      // A glob that names a folder means everything under it, in include as in exclude.
      ['policies', 'policies/team/a.yaml', true],
      ['policies/drafts', 'policies/drafts/a.yaml', true],
      // A trailing `/` names a folder; without another `/` at any depth.
      ['policies/drafts/', 'policies/drafts/a.yaml', true],
      ['drafts/', 'policies/drafts/a.yaml', true],
      ['drafts/', 'policies/drafts.yaml', false],
      // A leading `/` anchors the glob to the config's folder.
      ['/policies/drafts/**', 'policies/drafts/a.yaml', true],
      ['/drafts', 'drafts/a.yaml', true],
      ['/drafts', 'policies/drafts/a.yaml', false],
      ['/*.yaml', 'a.yaml', true],
      ['/*.yaml', 'policies/a.yaml', false],
      // A glob that names files is unchanged.
      ['policies/*.yaml', 'policies/a.yaml', true],
      ['policies/*.yaml', 'policies/team/a.yaml', false],
      ['policy/**', 'policies/a.yaml', false],
    ];
    for (const [glob, path, want] of cases) {
      const include = new ResolvedConfig({
        include: [glob],
        exclude: [],
        dialects: {},
        rules: {},
        overrides: [],
        gitignore: true,
      });
      assert.equal(config([glob]).excludes(path), want, `exclude ${glob} ${path}`);
      assert.equal(include.includes(path), want, `include ${glob} ${path}`);
    }
  });
});
