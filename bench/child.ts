// A scenario's measured part, bundled on its own (as esbuild.mjs bundles the CLI) so that it runs
// in a fresh Node process with only the engine loaded: the eval and replay rows time such children.
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO } from './servers';

/** Bundles `bench/<name>.ts` into `<dir>/<name>.js` and returns the bundle's path. */
export async function bundleChild(name: string, dir: string): Promise<string> {
  const outfile = join(dir, `${name}.js`);
  await build({
    entryPoints: [join(REPO, `bench/${name}.ts`)],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
    mainFields: ['module', 'main'],
    alias: { 'js-yaml': join(REPO, 'node_modules/js-yaml/dist/js-yaml.cjs.js') },
  });
  return outfile;
}
