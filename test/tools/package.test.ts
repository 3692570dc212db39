// What the .vsix holds, from vsce itself (`vsce ls` in the staging folder `npm run package` packs): the files a
// Marketplace listing needs, every picture the extension README and the walkthrough show, no source
// maps; and the extension README documents every setting and command the manifest contributes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const README = 'EXTENSION.md';
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  icon: string;
  categories: string[];
  keywords: string[];
  repository: { url: string };
  scripts: Record<string, string>;
  contributes: {
    configuration: { properties: Record<string, unknown> };
    commands: { command: string; title: string; category?: string }[];
    walkthroughs: { steps: { media: { image?: string; markdown?: string } }[] }[];
  };
};
const readme = readFileSync(join(ROOT, README), 'utf8');

let packed: string[] = [];
before(() => {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), '--list'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  packed = r.stdout.split('\n').filter(Boolean);
});

describe('the .vsix (vsce ls)', () => {
  it('packs the icon, LICENSE, CHANGELOG, the extension README, the packed bundle and its loaders, and no source maps', () => {
    for (const f of [
      manifest.icon,
      'LICENSE',
      'CHANGELOG.md',
      README,
      'dist/extension.js',
      'dist/server.js',
      'dist/policylens.js.br',
    ])
      assert.ok(packed.includes(f), `${f} is packed`);
    assert.deepEqual(
      packed.filter((f) => f.endsWith('.map')),
      [],
    );
    assert.ok(!packed.includes('dist/policylens.js'), 'the bundle is packed once, with brotli');
    assert.ok(!packed.includes('README.md'), 'the developer README stays out');
    assert.equal(manifest.scripts.package, 'node scripts/package.mjs');
  });

  it('packs every picture the extension README and the walkthrough show, at the path they use', () => {
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    const walkthrough = manifest.contributes.walkthroughs.flatMap((w) =>
      w.steps.flatMap((s) => [s.media.image, s.media.markdown].filter((x): x is string => Boolean(x))),
    );
    assert.ok(images.length >= 3, 'the README shows screenshots');
    for (const image of [...images, ...walkthrough]) {
      assert.doesNotMatch(image, /^\w+:/, `${image} is packed, not fetched`);
      assert.ok(existsSync(join(ROOT, image)), `${image} exists`);
      assert.ok(packed.includes(image), `${image} is packed`);
    }
  });

  it('packs its screenshots as lossless WebP of few colours, none over 32 KB (docs/decisions/marketplace.md)', () => {
    const pictures = packed.filter((f) => /\.(png|gif|jpe?g|webp)$/i.test(f));
    const screenshots = pictures.filter((f) => f.startsWith('docs/media/'));
    assert.ok(screenshots.length >= 5, screenshots.join(', '));
    for (const f of screenshots) {
      const bytes = readFileSync(join(ROOT, f));
      // RIFF container, WEBP form, and a VP8L (lossless) bitstream: text in the UI stays sharp.
      assert.equal(bytes.subarray(8, 16).toString('ascii'), 'WEBPVP8L', `${f} is lossless WebP`);
    }
    for (const f of pictures)
      assert.ok(statSync(join(ROOT, f)).size <= 32 * 1024, `${f}: ${statSync(join(ROOT, f)).size} bytes`);
  });

  it('has what a Marketplace listing needs', () => {
    assert.deepEqual(manifest.categories, ['Linters', 'Programming Languages']);
    assert.ok(manifest.keywords.length > 0 && manifest.keywords.length <= 30);
    assert.match(manifest.repository.url, /^https:\/\//);
    const png = readFileSync(join(ROOT, manifest.icon));
    // PNG signature, then the IHDR chunk's width and height.
    assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });

  it('the extension README documents every setting and every command', () => {
    for (const key of Object.keys(manifest.contributes.configuration.properties))
      assert.ok(readme.includes(`\`${key}\``), `EXTENSION.md documents ${key}`);
    for (const c of manifest.contributes.commands)
      assert.ok(readme.includes(`${c.category ?? 'Policy Lens'}: ${c.title}`), `documents "${c.title}"`);
  });
});
