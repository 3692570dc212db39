// Test files compiled once, before they run: each one bundled by esbuild with the sources it
// imports into .cache/tests/<its path>.js, then run by plain `node --test`. Through tsx every test
// process transpiles and resolves the engine's and the server's modules one by one behind a loader
// hook (about a second of CPU per file on this machine, most of a short file's cost); one esbuild
// pass over every file takes about as long as three of those. docs/decisions/testing.md has the
// figures. `node --import tsx --test <file>` still runs any single file from its source.
//
// What the bundles keep from the sources: `__dirname`, `__filename` and `import.meta.url` are the
// source file's own (fixtures and dist/ are found relative to them), packages stay in node_modules,
// except js-yaml, which gets the build's patch (scripts/js-yaml-patch.mjs) as dist/ does.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { metaInputs, stampKey, upToDate, writeStamp } from './build-stamp.mjs';
import { patchJsYamlEsm } from './js-yaml-patch.mjs';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
export const OUT = join(ROOT, '.cache', 'tests');

/** Our own modules: the location names they use are replaced by their source's. */
const sourceLocations = {
  name: 'source-locations',
  setup(b) {
    b.onLoad({ filter: /\.(ts|mts|cts|mjs)$/ }, (args) => {
      if (/[\\/]node_modules[\\/]/.test(args.path)) return undefined;
      const text = readFileSync(args.path, 'utf8')
        .replace(/\b__dirname\b/g, JSON.stringify(dirname(args.path)))
        .replace(/\b__filename\b/g, JSON.stringify(args.path))
        .replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href));
      return { contents: text, loader: args.path.endsWith('.mjs') ? 'js' : 'ts' };
    });
  },
};

/** Every package stays external but js-yaml, bundled from its ES module build with the patch. */
const packages = {
  name: 'packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path === 'js-yaml' ? undefined : { path: args.path, external: true },
    );
    b.onLoad({ filter: /[\\/]js-yaml[\\/]dist[\\/]js-yaml\.mjs$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      return { contents: patchJsYamlEsm(source) ?? source, loader: 'js' };
    });
  },
};

/**
 * Groups of test files that share one process: a group's bundle imports its files in their order,
 * so their tests register and run one after the other as if they were one file, and the process's
 * fixed cost (node, the test runner, the bundle's modules and schemas) is paid once per group.
 */
const GROUP = 'policylens-test-group:';
const groups = (members) => ({
  name: 'groups',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^${GROUP}`) }, (args) => ({ path: args.path, namespace: 'group' }));
    b.onLoad({ filter: /.*/, namespace: 'group' }, (args) => ({
      contents: members
        .get(args.path.slice(GROUP.length))
        .map((f) => `import ${JSON.stringify(join(ROOT, f))};`)
        .join('\n'),
      resolveDir: ROOT,
      loader: 'js',
    }));
  },
});

/**
 * Bundles the test files (paths relative to the repository) and returns, in the same order, the
 * bundles to run. `shared` names groups of files that run in one process (name: its bundle's path
 * relative to the repository, without extension, and its files); their files are left out of
 * `files` by the caller, and the groups' bundles follow the files' in the result. The result's
 * `upToDate` is true when the bundles were already those of these sources and nothing was compiled.
 */
export async function buildTests(files, shared = new Map()) {
  const outputs = [
    ...files.map((f) => join(OUT, relative(ROOT, join(ROOT, f)).replace(/\.[mc]?ts$/, '.js'))),
    ...[...shared.keys()].map((name) => join(OUT, `${name}.js`)),
  ];
  // Nothing is compiled when the same files were compiled from the same sources and their bundles
  // are still there (scripts/build-stamp.mjs): a stamp for each set of files and groups.
  const key = stampKey(
    [files, [...shared]],
    ['scripts/test-build.mjs', 'scripts/js-yaml-patch.mjs', 'scripts/build-stamp.mjs'],
  );
  const stamp = join(OUT, 'stamps', `${key}.json`);
  if (upToDate(stamp, key)) return Object.assign(outputs, { upToDate: true });
  const result = await build({
    entryPoints: [
      ...files.map((f) => join(ROOT, f)),
      ...[...shared.keys()].map((name) => ({ in: GROUP + name, out: name })),
    ],
    outdir: OUT,
    outbase: ROOT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Inline, so that `node --enable-source-maps` reports failures at the .ts line.
    sourcemap: 'inline',
    alias: { 'js-yaml': join(ROOT, 'node_modules/js-yaml/dist/js-yaml.mjs') },
    logLevel: 'warning',
    plugins: [groups(shared), packages, sourceLocations],
    metafile: true,
  });
  writeStamp(stamp, key, metaInputs(result.metafile), outputs);
  return outputs;
}
