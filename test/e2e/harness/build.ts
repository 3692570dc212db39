// Builds what the e2e run loads: the extension-host test bundle (out/e2e/) and the .vsix.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

export const repoRoot = join(__dirname, '..', '..', '..');
export const suiteOutDir = join(repoRoot, 'out', 'e2e');

/** Bundles test/e2e/suite/ into out/e2e/: index.js plus one `<name>.e2e.js` per spec. */
export async function buildSuite(): Promise<string> {
  const dir = join(repoRoot, 'test', 'e2e', 'suite');
  const specs = readdirSync(dir).filter((n) => n.endsWith('.e2e.ts'));
  rmSync(suiteOutDir, { recursive: true, force: true });
  await build({
    entryPoints: [join(dir, 'index.ts'), ...specs.map((s) => join(dir, s))],
    outdir: suiteOutDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
    // vscode is the host's; mocha is loaded from the repository's node_modules at run time so that
    // the spec files and the index share one Mocha (and its describe/it globals).
    external: ['vscode', 'mocha'],
  });
  return join(suiteOutDir, 'index.js');
}

/**
 * The stand-in for Red Hat's YAML extension (test/fixtures/e2e/yaml-validator/) as a .vsix, so it
 * is installed the way a user installs an extension. Returns the .vsix path.
 */
export function packageYamlValidator(outDir: string): string {
  const vsix = join(outDir, 'yaml-validator.vsix');
  const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', vsix], {
    cwd: join(repoRoot, 'test', 'fixtures', 'e2e', 'yaml-validator'),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`vsce package (yaml-validator) failed:\n${r.stdout}${r.stderr}`);
  return vsix;
}

/**
 * `npm run package` (scripts/package.mjs: vsce in a staging folder) into `outDir`, without the
 * package's own build: `npm test` built dist/ before this suite started, and the package's build
 * would build it all again while the other suites run (then the next `npm test` once more, its
 * options being different). The bundle's text is the same; only its brotli level differs (5
 * instead of 11): the same text once inflated.
 */
export function packageVsix(outDir: string): string {
  if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js is missing: run `node esbuild.mjs` first');
  }
  const vsix = join(outDir, 'policy-lens.vsix');
  const r = spawnSync(
    process.execPath,
    [join(repoRoot, 'scripts', 'package.mjs'), '--no-build', '--out', vsix],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  if (r.status !== 0) throw new Error(`npm run package failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return vsix;
}
