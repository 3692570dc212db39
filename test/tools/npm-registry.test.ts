// The loopback npm registry that the install tests use (test/support/npmRegistry.ts): the closure it
// serves is the one Node would load, its packuments describe the tarballs it serves byte for byte,
// and it answers nothing else. Most of it runs on a small node_modules tree written here, so that
// nested versions and missing optional packages are exercised without packing PGlite.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dependencyClosure, startNpmRegistry, type NpmRegistry } from '../support/npmRegistry';

const ROOT = join(__dirname, '..', '..');

/** Writes package.json (and `files`) into `dir`. */
function pkg(dir: string, manifest: object, files: Record<string, string> = {}): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

interface Packument {
  name: string;
  'dist-tags': { latest: string };
  versions: Record<
    string,
    { name: string; version: string; dist: { tarball: string; integrity: string; shasum: string } }
  >;
}

describe('the loopback npm registry', () => {
  let work: string;
  let root: string;
  let registry: NpmRegistry;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'policylens-npm-registry-'));
    root = join(work, 'app');
    const modules = join(root, 'node_modules');
    // app needs @scope/a and b@1; @scope/a needs b@2 (nested under it, as npm places a conflicting
    // version), c, the optional d (not installed), the peer b and the optional peer e (not installed).
    pkg(root, {
      name: 'app',
      version: '0.0.0',
      dependencies: { '@scope/a': '^1.0.0', b: '^1.0.0' },
      devDependencies: { dev: '1' },
    });
    pkg(
      join(modules, '@scope', 'a'),
      {
        name: '@scope/a',
        version: '1.2.3',
        dependencies: { b: '^2.0.0', c: '1.0.0' },
        optionalDependencies: { d: '1.0.0' },
        peerDependencies: { b: '*', e: '*' },
        peerDependenciesMeta: { e: { optional: true } },
        bin: { a: 'cli.js' },
      },
      { 'cli.js': '#!/usr/bin/env node\n' },
    );
    pkg(
      join(modules, '@scope', 'a', 'node_modules', 'b'),
      { name: 'b', version: '2.0.0' },
      { 'index.js': 'two' },
    );
    pkg(join(modules, 'b'), { name: 'b', version: '1.5.0' }, { 'index.js': 'one' });
    pkg(join(modules, 'c'), { name: 'c', version: '1.0.0', scripts: { postinstall: 'node setup.js' } });
    pkg(join(modules, 'dev'), { name: 'dev', version: '1.0.0' });
    registry = await startNpmRegistry(join(work, 'registry'), root);
  });

  after(async () => {
    await registry?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const get = (path: string, init?: RequestInit) => fetch(`${registry.url}${path}`, init);

  it('serves the closure Node would load: nested versions, installed optional ones, no devDependencies', () => {
    assert.deepEqual(
      registry.packages.map((p) => `${p.name}@${p.version}`),
      ['@scope/a@1.2.3', 'b@1.5.0', 'b@2.0.0', 'c@1.0.0'],
    );
  });

  it('answers a scoped packument under both spellings, with npm-style tarball paths', async () => {
    const encoded = (await (await get('/@scope%2fa')).json()) as Packument;
    const plain = (await (await get('/@scope/a')).json()) as Packument;
    assert.deepEqual(encoded, plain);
    assert.equal(encoded.name, '@scope/a');
    assert.equal(encoded['dist-tags'].latest, '1.2.3');
    const v = encoded.versions['1.2.3']!;
    assert.equal(v.dist.tarball, `${registry.url}/@scope/a/-/a-1.2.3.tgz`);
    assert.deepEqual((v as unknown as { bin: object }).bin, { a: 'cli.js' });
  });

  it('lists every version of a name, the highest as latest, and announces install scripts', async () => {
    const b = (await (await get('/b')).json()) as Packument;
    assert.deepEqual(Object.keys(b.versions).sort(), ['1.5.0', '2.0.0']);
    assert.equal(b['dist-tags'].latest, '2.0.0');
    const c = (await (await get('/c')).json()) as {
      versions: Record<string, { hasInstallScript?: boolean }>;
    };
    assert.equal(c.versions['1.0.0']!.hasInstallScript, true);
  });

  it('serves tarballs whose integrity and shasum are those of the packument', async () => {
    for (const name of ['@scope%2fa', 'b']) {
      const doc = (await (await get(`/${name}`)).json()) as Packument;
      for (const v of Object.values(doc.versions)) {
        const res = await fetch(v.dist.tarball);
        assert.equal(res.status, 200, v.dist.tarball);
        const bytes = Buffer.from(await res.arrayBuffer());
        assert.equal(v.dist.integrity, `sha512-${createHash('sha512').update(bytes).digest('base64')}`);
        assert.equal(v.dist.shasum, createHash('sha1').update(bytes).digest('hex'));
      }
    }
  });

  it('packs a package under package/, without its nested node_modules', () => {
    const a = registry.packages.find((p) => p.name === '@scope/a')!;
    const list = spawnSync('tar', ['-tzf', a.file], { encoding: 'utf8' });
    assert.equal(list.status, 0, list.stderr);
    assert.deepEqual(list.stdout.split('\n').filter(Boolean).sort(), [
      'package/cli.js',
      'package/package.json',
    ]);
  });

  it('answers 404 for an unknown package or path, and for anything but GET', async () => {
    assert.equal((await get('/left-pad')).status, 404);
    assert.equal((await get('/dev')).status, 404, 'a devDependency is not served');
    assert.equal((await get('/b/-/b-9.9.9.tgz')).status, 404);
    assert.equal(
      (await get('/-/npm/v1/security/advisories/bulk', { method: 'POST', body: '{}' })).status,
      404,
    );
    assert.equal((await get('/b', { method: 'PUT', body: '{}' })).status, 404);
  });

  it('refuses a closure whose required package is not installed', () => {
    const broken = join(work, 'broken');
    pkg(broken, { name: 'broken', version: '0.0.0', dependencies: { missing: '1' } });
    assert.throws(() => dependencyClosure(broken), /missing, required by .* is not installed/);
  });
});

describe("this checkout's runtime dependency closure", () => {
  it("is package.json's dependencies and theirs, without development packages", () => {
    const names = new Set(dependencyClosure(ROOT).map((p) => p.name));
    for (const name of ['@electric-sql/pglite', 'pg', 'pg-pool', 'pg-types', 'postgres-interval', 'xtend'])
      assert.ok(names.has(name), `${name} is served`);
    for (const name of ['esbuild', 'typescript', 'yaml', 'pg-native'])
      assert.ok(!names.has(name), `${name} is not served`);
  });
});
