// The globs of policylens.config.yaml (core/config/resolve.ts): matched as picomatch matches them,
// each glob on its own, and at a cost that does not grow with globs × files for globs that name a
// folder or file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rng } from '../../bench/corpus';
import { counting } from '../support/counting';
import picomatch from 'picomatch';
import { ResolvedConfig } from '../../server/src/core/config/resolve';

/** picomatch's own matcher for the list, as the config's globs are documented to match. */
function reference(globs: string[]): (p: string) => boolean {
  const m = picomatch(globs, { dot: true, windows: false });
  const base = globs.filter((g) => !g.includes('/'));
  const mb = base.length ? picomatch(base, { dot: true, windows: false, basename: true }) : () => false;
  return (p) => m(p) || mb(p);
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
});
