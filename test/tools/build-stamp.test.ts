// `node esbuild.mjs --if-changed` and the test bundles' compile skip a build whose stamp says it
// would write what is already there (scripts/build-stamp.mjs). A skip that should not happen
// would run the tests against old code, so each way the stamp must notice a change is tried on a
// real esbuild build: an input's text, a new file beside an input (it may change what an import
// resolves to), an output changed by hand, the key; and a file touched without a change is no change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { metaInputs, stampKey, upToDate, writeStamp } from '../../scripts/build-stamp.mjs';

test('a build is up to date until an input, a source folder, an output or the key changes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'policylens-stamp-'));
  try {
    const src = join(dir, 'src');
    const main = join(src, 'main.ts');
    const out = join(dir, 'out.js');
    const stamp = join(dir, 'stamp.json');
    const key = stampKey(['options'], []);
    const compile = async () => {
      const r = await build({
        entryPoints: [main],
        outfile: out,
        bundle: true,
        metafile: true,
        logLevel: 'silent',
      });
      writeStamp(stamp, key, metaInputs(r.metafile), [out]);
    };
    mkdirSync(src);
    writeFileSync(main, "import { two } from './two';\nconsole.log(two);\n");
    writeFileSync(join(src, 'two.ts'), 'export const two = 2;\n');

    assert.equal(upToDate(stamp, key), false, 'no stamp yet');
    await compile();
    assert.equal(upToDate(stamp, key), true);
    assert.equal(upToDate(stamp, stampKey(['other options'], [])), false, 'another key');

    const later = new Date(Date.now() + 5_000);
    utimesSync(join(src, 'two.ts'), later, later);
    assert.equal(upToDate(stamp, key), true, 'touched, not changed');

    writeFileSync(join(src, 'two.ts'), 'export const two = 3;\n');
    assert.equal(upToDate(stamp, key), false, 'an input changed');
    await compile();
    assert.equal(upToDate(stamp, key), true);

    writeFileSync(join(src, 'three.ts'), 'export const three = 3;\n');
    assert.equal(upToDate(stamp, key), false, 'a new file in a source folder');
    await compile();
    assert.equal(upToDate(stamp, key), true);

    writeFileSync(out, '// changed by hand\n');
    assert.equal(upToDate(stamp, key), false, 'an output changed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
