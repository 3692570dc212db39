/**
 * The PGlite template is copied into every new data directory, so whatever it holds (an org, an API
 * key) is in every new registry. These tests plant templates where another local user could, and
 * check that none of them is ever copied: not one in the old shared temp location, not one in a
 * cache directory that is not private, not one whose token does not match.
 */
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cacheDir, seedDataDir } from '../../registry/pglite-template';

const PLANTED = 'planted-by-someone-else';

describe('the PGlite template', () => {
  const base = mkdtempSync(join(tmpdir(), 'policylens-template-test-'));
  const saved = { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME, TMPDIR: process.env.TMPDIR };
  const cache = join(base, 'cache');
  const root = join(cache, 'policylens');
  let template = '';
  let n = 0;
  /** A new, empty data directory seeded from the template (or not). */
  const seed = async (): Promise<string[]> => {
    const dir = join(base, `data-${n++}`);
    mkdirSync(dir);
    await seedDataDir(dir, []);
    return readdirSync(dir);
  };

  before(() => {
    process.env.XDG_CACHE_HOME = cache;
    process.env.TMPDIR = join(base, 'shared-tmp');
    mkdirSync(process.env.TMPDIR);
  });
  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(base, { recursive: true, force: true });
  });

  it('ignores a template planted in the old shared temp location, and builds its own in a 0700 cache', async () => {
    // The name the earlier versions looked for, in the shared temp directory, made by "someone else".
    const pkg = join(__dirname, '..', '..', 'node_modules', '@electric-sql', 'pglite', 'package.json');
    const { version } = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string };
    const planted = join(process.env.TMPDIR!, `policylens-pglite-template-${version}`);
    mkdirSync(planted);
    writeFileSync(join(planted, 'PG_VERSION'), '17\n');
    writeFileSync(join(planted, PLANTED), 'org acme, key plk_planted');
    chmodSync(planted, 0o777);

    const files = await seed();
    assert.ok(files.includes('PG_VERSION'), 'seeded from a template');
    assert.ok(!files.includes(PLANTED), 'the planted template was copied');
    assert.equal(cacheDir(), root);
    assert.equal(statSync(root).mode & 0o777, 0o700);
    template = readdirSync(root)
      .filter((f) => /^pglite-template-[\w.-]+(?<!\.token)$/.test(f))
      .map((f) => join(root, f))[0]!;
    assert.ok(template, `a template in ${root}: ${readdirSync(root).join(', ')}`);
    assert.ok(existsSync(`${template}.token`));
    assert.ok(!files.includes('policylens-template'), 'the marker stays in the template');
  });

  it('copies nothing from a cache directory that others may enter, or that another user owns', async () => {
    writeFileSync(join(template, PLANTED), 'x');
    chmodSync(root, 0o755);
    assert.deepEqual(await seed(), [], 'a cache directory open to others');
    chmodSync(root, 0o700);
    chownSync(root, 65534, 65534);
    assert.deepEqual(await seed(), [], 'a cache directory of another user');
    chownSync(root, process.getuid!(), process.getgid!());
  });

  it('rebuilds, never copies, a template whose directory is open to others or whose token does not match', async () => {
    chmodSync(template, 0o777);
    let files = await seed();
    assert.ok(files.includes('PG_VERSION') && !files.includes(PLANTED), `open template: ${files.join(', ')}`);
    assert.equal(statSync(template).mode & 0o777, 0o700, 'rebuilt privately');

    writeFileSync(join(template, PLANTED), 'x');
    writeFileSync(`${template}.token`, '0'.repeat(32));
    files = await seed();
    assert.ok(files.includes('PG_VERSION') && !files.includes(PLANTED), `wrong token: ${files.join(', ')}`);
  });
});
