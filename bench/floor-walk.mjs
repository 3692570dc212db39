// The bundles under a folder, as both floors find them (bench/floor.mjs, bench/floor-warm.mjs):
// every .json, .yaml and .yml file, recursively, in directory order. Plain JavaScript, like them.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Appends the bundle files under `dir` to `out` and returns it. */
export function walk(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (/\.(json|ya?ml)$/.test(entry.name)) out.push(p);
  }
  return out;
}
