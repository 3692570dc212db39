// The floor of a warm `lint --cache`: the least work any file cache must do in one Node process to
// answer "which files changed since the last run". Walk the folder, stat every bundle, read the
// cache (path → size and modification time), read the files whose stat differs, and write the cache
// again if anything changed. No parser, no schema, no content hashes, no cross-file analysis, no
// report: a lower bound of every warm run, not a linter.
// Plain JavaScript on purpose, like bench/floor.mjs.
// Usage: node bench/floor-warm.mjs <folder> <cache.json>
//        → prints {"files":N,"changed":C,"bytes":B} on stdout (B: the bytes of the changed files).
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { walk } from './floor-walk.mjs';

const [folder, cachePath] = process.argv.slice(2);
if (!folder || !cachePath) {
  console.error('usage: node bench/floor-warm.mjs <folder> <cache.json>');
  process.exit(2);
}

let cache = {};
try {
  cache = JSON.parse(readFileSync(cachePath, 'utf8'));
} catch {
  cache = {};
}
const files = walk(folder, []);
const next = {};
const changed = [];
for (const file of files) {
  const s = statSync(file);
  const key = `${s.size}:${s.mtimeMs}`;
  next[file] = key;
  if (cache[file] !== key) changed.push(file);
}

// The changed files are read, since any linter must read them, but neither parsed nor validated:
// loading a parser and compiling a schema would put a linter's own choices into a lower bound.
let bytes = 0;
for (const file of changed) bytes += readFileSync(file).length;
if (changed.length > 0) writeFileSync(cachePath, JSON.stringify(next));
process.stdout.write(JSON.stringify({ files: files.length, changed: changed.length, bytes }) + '\n');
