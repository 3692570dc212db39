// `npm run package` packs from a staging folder (scripts/package.mjs) so that vsce does not walk the
// whole checkout. The staging folder must hold what vsce itself would pack from the repository: on
// a small tree of each kind of `.vscodeignore` line, vsce's own list from the tree's root and from
// the staging folder are the same. Lines of another form are refused, not read differently.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { listPackaged, ROOT, shippedFiles } from '../../scripts/package.mjs';

const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A tree with an extension manifest, the given .vscodeignore, and files that must stay out. */
function tree(vscodeignore: string): string {
  const root = mkdtempSync(join(tmpdir(), 'policylens-stage-'));
  made.push(root);
  const files: Record<string, string> = {
    'package.json': JSON.stringify({
      name: 'stage-check',
      publisher: 'policylens-tests',
      version: '0.0.1',
      engines: { vscode: '^1.80.0' },
      repository: { type: 'git', url: 'https://example.invalid/stage-check' },
      license: 'MIT',
      scripts: { 'vscode:prepublish': 'node build.mjs' },
    }),
    '.vscodeignore': vscodeignore,
    'EXTENSION.md': '# Stage check\n',
    LICENSE: 'MIT\n',
    'dist/extension.js': 'exports.activate = () => {};\n',
    'dist/extension.js.map': '{}',
    'media/icon.png': 'png',
    'media/deep/er/icon.svg': '<svg/>',
    'media/.hidden': 'dot file',
    'src/extension.ts': 'export {};\n',
    'README.md': '# developers\n',
    '.cache/e2e/big.bin': 'x',
  };
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), text);
  }
  return root;
}

function vsceLs(root: string): string[] {
  const vsce = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies', '--readme-path', 'EXTENSION.md'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean).sort();
}

describe('npm run package: the staging folder', () => {
  it('a file .vscodeignore names that is missing stops the package (vsce would pack without it)', () => {
    const root = tree('**\n!dist/extension.js\n!dist/server.js\n');
    assert.throws(() => shippedFiles(root, { strict: true }), /dist\/server\.js is missing/);
    assert.deepEqual(shippedFiles(root), ['dist/extension.js']);
  });

  it('holds what vsce packs from the tree itself: files, folders with sub-folders and dot files', () => {
    const root = tree('# a comment\n**\n!dist/extension.js\n!media/**\n!LICENSE\n!missing.txt\n');
    const fromRoot = vsceLs(root);
    assert.deepEqual(listPackaged(root).sort(), fromRoot);
    // What the check above compares is not empty, and keeps the sources and the maps out.
    assert.ok(fromRoot.includes('media/deep/er/icon.svg') && fromRoot.includes('media/.hidden'));
    assert.ok(!fromRoot.some((f) => f.endsWith('.map') || f.startsWith('src/') || f.startsWith('.cache/')));
  });

  it('the repository: every file .vscodeignore lets in exists, and the bundle is among them', () => {
    const files = shippedFiles(ROOT, { strict: true });
    assert.ok(files.includes('dist/policylens.js.br') && files.includes('LICENSE'), files.join(', '));
  });

  for (const [why, text] of [
    ['a .vscodeignore that does not start with **', 'src/**\n!dist/extension.js\n'],
    ['a wildcard inside a path', '**\n!dist/*.js\n'],
    ['a line that ignores instead of letting in', '**\n!dist/extension.js\nmedia/**\n'],
  ] as const) {
    it(`refuses ${why} (vsce would read it otherwise)`, () => {
      assert.throws(() => listPackaged(tree(text)), /\.vscodeignore/);
    });
  }
});
