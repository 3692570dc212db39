// The files one `node --test` run is given: a small entry for each test file (a bundle, or a tsx
// file's shim), named for its place in the run's order. Node 20's runner sorts the files it is
// given by name, so without these names the order chosen in scripts/test.mjs (the longest files
// first) would be lost: the run would start with whatever sorts first.
//
// An entry also says when its file may start. Most files spawn `dist/` (the server, the CLI), so
// while dist/ is still being built their entries wait for the gate file that scripts/test.mjs
// writes once the build has succeeded. The files that never touch dist/ start at once, while the
// build runs; their entry sets POLICYLENS_TEST_NO_DIST, and test/lsp/serverProcess.ts refuses to
// spawn the server under it, so such a file cannot run against a dist/ left by an earlier build.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { OUT } from './test-build.mjs';

/** Where `npm test` writes one run's entries (cleared at each run). */
export const RUN = join(OUT, 'run');
/** The gate in a directory of entries: written when dist/ is built. */
const gate = (dir) => join(dir, 'dist-built');

const GATE = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'test-gate.mjs')).href;

/**
 * Writes into `dir` (emptied first) an entry for each of `files` (paths of bundles or shims, in the
 * order they should start) and returns the entries' paths. `withoutDist` holds the files that
 * never use dist/.
 */
export function writeEntries(dir, files, withoutDist) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const width = String(files.length).length;
  return files.map((file, i) => {
    const inOut = relative(OUT, file);
    const name = (inOut.startsWith('..') ? basename(file) : inOut)
      .split(sep)
      .join('-')
      .replace(/\.[cm]?js$/, '');
    const entry = join(dir, `${String(i).padStart(width, '0')}-${name}.mjs`);
    const start = withoutDist.has(file)
      ? [`process.env.POLICYLENS_TEST_NO_DIST = '1';`]
      : [
          `import { whenExists } from ${JSON.stringify(GATE)};`,
          `await whenExists(${JSON.stringify(gate(dir))});`,
        ];
    writeFileSync(
      entry,
      [...start, `await import(${JSON.stringify(pathToFileURL(file).href)});`, ''].join('\n'),
    );
    return entry;
  });
}

/** Opens the gate of the entries in `dir`: the files that wait for dist/ start. */
export function distBuilt(dir) {
  writeFileSync(gate(dir), '');
}
