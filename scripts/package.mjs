// `npm run package`: the .vsix, packed by vsce from a staging folder that holds only what the
// package ships. vsce lists every file under the folder it packs (all but node_modules: `.git`,
// `.cache/e2e`'s 15,000 files of code-server and chromium, a bench corpus of 100,000 bundles) before
// .vscodeignore leaves them out: about 14 s of CPU in this repository, 78 s after a bench, which
// timed the real-editor suite's packaging out (docs/decisions/marketplace.md). The staging folder
// gets the files .vscodeignore lets in, the .vscodeignore itself (so vsce applies the same list
// there), the extension README and package.json.
//
// Usage: node scripts/package.mjs [--out FILE] [--no-build]    the .vsix (default: vsce's name, here)
//        node scripts/package.mjs --list                        the files it packs (vsce ls)
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const README = 'EXTENSION.md';
const VSCE = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');

/**
 * The files .vscodeignore lets into the package, relative to the repository. It ignores everything
 * (`**`) and lets files in by `!` lines, each a file or a folder's `/**`: a line of another form
 * is refused here rather than read differently from vsce. `strict`: a file it names that does not
 * exist is an error (vsce would pack without it: a package without its bundle).
 */
export function shippedFiles(root = ROOT, { strict = false } = {}) {
  const lines = readFileSync(join(root, '.vscodeignore'), 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  if (lines[0] !== '**')
    throw new Error('.vscodeignore must start with `**` (nothing is packed unless a `!` line lets it in)');
  const files = [];
  for (const line of lines.slice(1)) {
    if (!line.startsWith('!') || /[*?[{]/.test(line.replace(/\/\*\*$/, '')))
      throw new Error(`.vscodeignore: "${line}" is not "!<file>" or "!<folder>/**"`);
    const path = line.slice(1);
    if (path.endsWith('/**')) {
      const dir = path.slice(0, -3);
      for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true }))
        if (entry.isFile())
          files.push(join(entry.parentPath ?? entry.path, entry.name).slice(root.length + 1));
    } else if (statSync(join(root, path), { throwIfNoEntry: false })?.isFile()) files.push(path);
    else if (strict)
      throw new Error(`${path} is missing (.vscodeignore lets it in): run \`node esbuild.mjs\``);
  }
  return files;
}

/**
 * A staging folder with what the package ships, for vsce. package.json goes in without
 * `vscode:prepublish`, which this script runs itself in the repository (vsce would run it in the
 * staging folder, where the build's sources are not). The caller removes the folder.
 */
export function stage(root = ROOT, { strict = false } = {}) {
  const files = shippedFiles(root, { strict });
  const dir = mkdtempSync(join(tmpdir(), 'policylens-package-'));
  for (const f of [...files, '.vscodeignore', README]) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(root, f), join(dir, f));
  }
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  delete manifest.scripts?.['vscode:prepublish'];
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  return dir;
}

function vsce(args, cwd) {
  const r = spawnSync(process.execPath, [VSCE, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`vsce ${args[0]} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

const VSCE_ARGS = ['--no-dependencies', '--readme-path', README];

/** vsce's list of the files the package holds (`vsce ls`, in the staging folder). */
export function listPackaged(root = ROOT) {
  const dir = stage(root);
  try {
    return vsce(['ls', ...VSCE_ARGS], dir)
      .split('\n')
      .filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Packs the .vsix to `out` (default: vsce's `<name>-<version>.vsix` in the repository) and returns
 * its path. `build`: first run the package's build (package.json's `vscode:prepublish`: the bundle
 * packed at brotli's best quality), as `vsce package` does.
 */
export function packageVsix({ out, build = true, root = ROOT } = {}) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const prepublish = manifest.scripts?.['vscode:prepublish'];
  if (build && prepublish) {
    const r = spawnSync(prepublish, { cwd: root, shell: true, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`${prepublish} failed (exit ${r.status})`);
  }
  const vsix = resolve(out ?? join(root, `${manifest.name}-${manifest.version}.vsix`));
  const dir = stage(root, { strict: true });
  try {
    vsce(['package', ...VSCE_ARGS, '--no-rewrite-relative-links', '--out', vsix], dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return vsix;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  try {
    if (args.includes('--list')) console.log(listPackaged().join('\n'));
    else {
      const at = args.indexOf('--out');
      const vsix = packageVsix({
        out: at >= 0 ? args[at + 1] : undefined,
        build: !args.includes('--no-build'),
      });
      console.log(`Packaged: ${vsix} (${(statSync(vsix).size / 1024).toFixed(1)} KB)`);
    }
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
