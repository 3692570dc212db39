// Whether an esbuild build would write what is already there: a stamp file keeps, from the last
// build, a key (what the caller says the build depends on besides its inputs: its options, the
// build script's text, Node's and esbuild's versions, the lockfile), the hash of every input file
// esbuild read (its metafile), the names in each of our source folders that held an input (a new
// file there can change what an import resolves to without any input changing), and the hash of
// every file written. esbuild's output is a function of these, so when none changed the build can
// be skipped. Used by `node esbuild.mjs --if-changed` and by the test bundles' compile
// (scripts/test-build.mjs); docs/decisions/testing.md has the figures.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { writeAtomic } from './write-atomic.mjs';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');

const hashOf = (data) => createHash('sha256').update(data).digest('base64url');

/** The hash of a file, or '' when it cannot be read. */
function fileHash(file) {
  try {
    return hashOf(readFileSync(file));
  } catch {
    return '';
  }
}

/**
 * A file's size, modification time and hash. The hash is taken again only when the size or the
 * time differ from `before` (the stamp's): reading and hashing the 600 files of dist/'s build took
 * 110-150 ms, their stat about 10 ms; a checkout that touches a file without changing it costs one hash.
 */
function fileState(file, before) {
  let st;
  try {
    st = statSync(file);
  } catch {
    return ['', 0, 0];
  }
  if (before && before[1] === st.size && before[2] === st.mtimeMs) return before;
  return [fileHash(file), st.size, st.mtimeMs];
}

/** The names in a folder, as one hash ('' when it cannot be read). */
function listingHash(dir) {
  try {
    return hashOf(readdirSync(dir).sort().join('\0'));
  } catch {
    return '';
  }
}

/** What the build depends on besides its inputs: versions, the lockfile, these files' texts. */
export function stampKey(parts, files = []) {
  const esbuild = JSON.parse(readFileSync(join(ROOT, 'node_modules/esbuild/package.json'), 'utf8'));
  return hashOf(
    JSON.stringify([
      parts,
      ROOT,
      process.version,
      esbuild.version,
      fileHash(join(ROOT, 'package-lock.json')),
      fileHash(join(ROOT, 'tsconfig.json')),
      ...files.map((f) => fileHash(join(ROOT, f))),
    ]),
  );
}

/**
 * The state of a build's inputs, folders and outputs (paths absolute or relative to the
 * repository); `before`, the stamp's, spares the hash of the files whose size and time are the same.
 */
function state(inputs, outputs, before = { inputs: {}, outputs: {} }) {
  const abs = (f) => resolve(ROOT, f);
  const ours = (f) => !/[\\/]node_modules[\\/]/.test(abs(f));
  const dirs = [...new Set(inputs.filter(ours).map((f) => dirname(abs(f))))].sort();
  return {
    inputs: Object.fromEntries(inputs.map((f) => [f, fileState(abs(f), before.inputs[f])])),
    dirs: Object.fromEntries(dirs.map((d) => [d, listingHash(d)])),
    outputs: Object.fromEntries(outputs.map((f) => [f, fileState(abs(f), before.outputs[f])])),
  };
}

/** Two states are the same build when every file has the same hash and every folder the same names. */
const same = (a, b) => {
  const hashes = (s) =>
    JSON.stringify([
      Object.entries(s.inputs).map(([f, [h]]) => [f, h]),
      s.dirs,
      Object.entries(s.outputs).map(([f, [h]]) => [f, h]),
    ]);
  return hashes(a) === hashes(b);
};

/** The input files of esbuild metafiles, as absolute paths (the plugins' virtual modules left out). */
export function metaInputs(...metafiles) {
  const inputs = new Set();
  for (const meta of metafiles)
    for (const input of Object.keys(meta.inputs))
      if (!input.includes(':') && !input.startsWith('<')) inputs.add(resolve(input));
  return [...inputs].sort();
}

/** True when the stamp says the build with this key would write exactly what is there. */
export function upToDate(stampFile, key) {
  if (!existsSync(stampFile)) return false;
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    return false;
  }
  if (stamp.key !== key) return false;
  return same(state(Object.keys(stamp.inputs), Object.keys(stamp.outputs), stamp), stamp);
}

/** Records a build: its key, its inputs (from its metafiles) and the files it wrote. */
export function writeStamp(stampFile, key, inputs, outputs) {
  writeAtomic(stampFile, JSON.stringify({ key, ...state(inputs, [...outputs].sort()) }));
}
