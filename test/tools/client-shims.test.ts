// The small stand-ins for `semver` and `minimatch` that the extension's bundle gives
// vscode-languageclient (client/src/shims/, aliased by esbuild.mjs): they answer as the libraries do
// for what the client asks of them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Minimatch } from '../../client/src/shims/minimatch';
import { parse, satisfies } from '../../client/src/shims/semver';

describe('the semver stand-in', () => {
  it("parses VS Code's versions, insiders' included", () => {
    assert.deepEqual(parse('1.139.0'), { major: 1, minor: 139, patch: 0, prerelease: [] });
    assert.deepEqual(parse('1.91.0-insider'), { major: 1, minor: 91, patch: 0, prerelease: ['insider'] });
    assert.equal(parse('not a version'), null);
  });

  it('checks a caret range as semver does', () => {
    assert.equal(satisfies('1.91.0', '^1.91.0'), true);
    assert.equal(satisfies('1.139.2', '^1.91.0'), true);
    assert.equal(satisfies('1.90.9', '^1.91.0'), false);
    assert.equal(satisfies('2.0.0', '^1.91.0'), false);
    assert.equal(satisfies('1.92.0-insider', '^1.91.0'), false, 'a pre-release satisfies no plain range');
    assert.throws(() => satisfies('1.91.0', '>=1.91.0'), /unsupported range/);
  });
});

describe('the minimatch stand-in', () => {
  it('matches globs as minimatch does for file-operation filters (dot files included)', () => {
    const m = new Minimatch('**/*.{yaml,yml}', { dot: true });
    assert.ok(m.makeRe());
    assert.equal(m.match('/ws/policies/a.yaml'), true);
    assert.equal(m.match('/ws/.hidden/b.yml'), true);
    assert.equal(m.match('/ws/policies/a.json'), false);
    assert.equal(new Minimatch('**/*.yaml').match('/ws/.hidden/b.yaml'), false, 'no dot files by default');
    assert.equal(new Minimatch('**/A.YAML', { nocase: true }).match('/ws/a.yaml'), true);
  });
});
