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
const files = walk('test/fixtures').slice(0, 400);
let same = 0, diff = 0, skipped = 0; const shown = new Set<string>();
function check(text: string, label: string) {
  if (!parseFast(text, 'yaml')) { skipped++; return; }
  let t; try { t = parseYamlEvents(text)?.tree(); } catch { skipped++; return; }
  if (t === undefined) { skipped++; return; }
  const a = JSON.stringify(dump(t)), b = JSON.stringify(dump(parseYamlPositioned(text).root));
  if (a === b) same++; else { diff++; if (shown.size < 6) { shown.add(label); let i = 0; while (a[i] === b[i]) i++; console.log('DIFF', label, JSON.stringify(text.slice(0, 300))); console.log(' ev:', a.slice(Math.max(0, i - 100), i + 60)); console.log(' ya:', b.slice(Math.max(0, i - 100), i + 60)); } }
}
for (const f of files) {
  const text = readFileSync(f, 'utf8').replace(/^\uFEFF/, '');
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) check([...lines.slice(0, i), ...lines.slice(i + 1)].join('\n'), f + ' -' + i);
  for (let n = 1; n < text.length; n += 7) check(text.slice(0, n), f + ' trunc' + n);
  check(text.replace(/\n/g, '  # c\n'), f + ' comments');
  check(text.replace(/\n/g, '\r\n'), f + ' crlf');
  check(text + '\n\n\n', f + ' blank');
}
console.log({ same, diff, skipped });
