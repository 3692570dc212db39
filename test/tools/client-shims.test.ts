// The small stand-ins for `semver` and `minimatch` that the extension's bundle gives
// vscode-languageclient (client/src/shims/, aliased by esbuild.mjs): they answer as the libraries do
// for what the client asks of them. And the inert features that stand in for those the server never
// uses: they cover only what the client takes from their modules, and no capability of the server.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Minimatch } from '../../client/src/shims/minimatch';
import { parse, satisfies } from '../../client/src/shims/semver';
import UNUSED from '../../client/src/shims/unused-features.json';
import { UnusedNotebookFeature } from '../../client/src/shims/unusedFeatures';
import { announcedCapabilities } from '../support/inProcess';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

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

describe("the stand-ins for vscode-languageclient's unused features", () => {
  const common = join(REPO, 'node_modules', 'vscode-languageclient', 'lib', 'common');
  const modules = Object.entries(UNUSED);

  it('stand in for every class the client takes from those modules, and only for real ones', () => {
    const client = readFileSync(join(common, 'client.js'), 'utf8');
    for (const [module, { exports }] of modules) {
      const real = readFileSync(join(common, `${module}.js`), 'utf8');
      for (const name of exports) assert.match(real, new RegExp(`^exports\\.${name} = ${name};`, 'm'), name);
      const used = new Set([...client.matchAll(new RegExp(`\\b${module}_1\\.(\\w+)`, 'g'))].map((m) => m[1]));
      assert.ok(used.size > 0, `client.js still uses ./${module}`);
      for (const name of used) {
        // The notebook feature's static scheme is kept by its stand-in.
        if (name !== 'CellScheme') assert.ok(exports.includes(name), `client.js uses ${module}.${name}`);
      }
    }
    assert.equal(UnusedNotebookFeature.CellScheme, 'vscode-notebook-cell');
    assert.match(readFileSync(join(common, 'notebook.js'), 'utf8'), /CellScheme = 'vscode-notebook-cell'/);
  });

  it('cover no capability the server announces', async () => {
    const announced = await announcedCapabilities();
    assert.ok(announced('completionProvider'), 'the check reads the real capabilities');
    for (const [module, { serverCapabilities }] of modules)
      for (const c of serverCapabilities) assert.equal(announced(c), undefined, `${c} needs ./${module}`);
  });

  it('are never imported by the extension itself', () => {
    const names = modules.flatMap(([, m]) => m.exports);
    for (const file of readdirSync(join(REPO, 'client', 'src'), { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file.startsWith('shims')) continue;
      const text = readFileSync(join(REPO, 'client', 'src', file), 'utf8');
      for (const n of names) assert.doesNotMatch(text, new RegExp(`\\b${n}\\b`), `${file} uses ${n}`);
    }
  });
});
