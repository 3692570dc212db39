import { parseEvents } from 'js-yaml';
import { parseYamlPositioned } from '../server/src/core/parse/yaml';
for (const t of ['a:\n  n: |\n    x\n    y\n\n\n\n', 'a: |\n  x\n\n\nb: 1\n', 'a: |\n  x\n', 'a: |\n  x', 'a: >-\n  x\n\n']) {
  const r: any = parseYamlPositioned(t).root;
  console.log(JSON.stringify(t), JSON.stringify(parseEvents(t, {}).filter((e: any) => e.type === 4 && e.style > 3).map((e: any) => [e.valueStart, e.valueEnd])), JSON.stringify(r.properties.map((p: any) => [p.value.offset, p.value.end, p.value.properties?.map((q: any) => [q.value.offset, q.value.end])])), r.end);
}
