// Summarises a V8 .cpuprofile (from `node --cpu-prof`, or `npm run bench -- --profile`): inclusive
// time per function and per source module. Functions inside an esbuild bundle are attributed to
// their source file through the `// path/to/file.ts` comments esbuild writes before each module.
// Usage: node bench/profile-summary.mjs <profile.cpuprofile> [bundle.js] [top=40]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [profilePath, bundlePath, topArg] = process.argv.slice(2);
if (!profilePath) {
  console.error('usage: node bench/profile-summary.mjs <profile.cpuprofile> [bundle.js] [top]');
  process.exit(2);
}
const top = Number(topArg) || 40;
const profile = JSON.parse(readFileSync(profilePath, 'utf8'));

// Line number (0-based, as in the profile) → the source module esbuild placed there.
const moduleAt = [];
if (bundlePath) {
  let current = '?';
  readFileSync(bundlePath, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const m = /^\/\/ (\S+\.(?:ts|js|mjs|cjs))$/.exec(line);
      if (m) current = m[1];
      moduleAt[i] = current;
    });
}
const bundleName = bundlePath ? basename(bundlePath) : undefined;

const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
const selfTime = new Map();
profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const where = (cf) =>
  bundleName && cf.url.endsWith(bundleName) ? moduleAt[cf.lineNumber] : cf.url.split('/').slice(-2).join('/');
const label = (n) => `${n.callFrame.functionName || '(anonymous)'} [${where(n.callFrame)}]`;

// Inclusive time: each sample counts once for every distinct function and module on its stack.
const byFunction = new Map();
const byModule = new Map();
let total = 0;
for (const [id, t] of selfTime) {
  total += t;
  const seenF = new Set();
  const seenM = new Set();
  for (let n = nodes.get(id); n; n = nodes.get(parentOf.get(n.id))) {
    const f = label(n);
    const m = where(n.callFrame) || n.callFrame.functionName;
    if (!seenF.has(f)) {
      seenF.add(f);
      byFunction.set(f, (byFunction.get(f) ?? 0) + t);
    }
    if (!seenM.has(m)) {
      seenM.add(m);
      byModule.set(m, (byModule.get(m) ?? 0) + t);
    }
  }
}
const ms = (us) => (us / 1000).toFixed(0).padStart(7);
console.log(`total ${ms(total).trim()} ms (${profilePath})`);
for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(v)}  ${k}`);
console.log('--- by function (self)');
const selfByFunction = new Map();
for (const [id, t] of selfTime) {
  const f = label(nodes.get(id));
  selfByFunction.set(f, (selfByFunction.get(f) ?? 0) + t);
}
for (const [k, v] of [...selfByFunction].sort((a, b) => b[1] - a[1]).slice(0, 25))
  console.log(`${ms(v)}  ${k}`);
console.log('--- by module (inclusive)');
for (const [k, v] of [...byModule].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${ms(v)}  ${k}`);
