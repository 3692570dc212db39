import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseYamlEvents } from '../server/src/core/parse/events';
import { parseYamlPositioned } from '../server/src/core/parse/yaml';
import { parseFast } from '../server/src/core/parse/fast';
function walk(d: string, out: string[] = []): string[] {
  for (const n of readdirSync(d)) { const p = join(d, n); if (statSync(p).isDirectory()) walk(p, out); else if (/\.ya?ml$/.test(n)) out.push(p); }
  return out;
}
const dump = (n: any): any => !n ? n : n.type === 'object' ? { o: [n.offset, n.end, n.flow], p: n.properties.map((p: any) => [dump(p.key), dump(p.value), p.offset, p.end]) } : n.type === 'array' ? { a: [n.offset, n.end, n.flow], i: n.items.map(dump) } : [n.type, n.value, n.style, n.offset, n.end];
let files = process.argv.slice(2).flatMap((d) => walk(d));
let same = 0, diff = 0, skipped = 0;
for (const f of files) {
  const text = readFileSync(f, 'utf8').replace(/^\uFEFF/, '');
  if (!parseFast(text, 'yaml')) { skipped++; continue; }
  let ev; try { ev = parseYamlEvents(text); } catch (e) { skipped++; continue; }
  const t = ev?.tree();
  if (t === undefined) { skipped++; continue; }
  const a = JSON.stringify(dump(t)), b = JSON.stringify(dump(parseYamlPositioned(text).root));
  if (a === b) same++; else { diff++; if (diff <= 4) { console.log('DIFF', f); let i = 0; while (a[i] === b[i]) i++; console.log(' ev:', a.slice(Math.max(0, i - 150), i + 80)); console.log(' ya:', b.slice(Math.max(0, i - 150), i + 80)); } }
}
console.log({ same, diff, skipped });
