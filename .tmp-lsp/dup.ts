import { parseYamlEvents } from '../server/src/core/parse/events';
for (const t of ['a: 1\na: 2\n', 'a: [' + '['.repeat(200) + ']'.repeat(201) + '\n', '---\na: 1\n---\nb: 2\n', '']) {
  try { const r = parseYamlEvents(t); console.log(JSON.stringify(t.slice(0, 20)), r && JSON.stringify(r.value).slice(0, 50)); } catch (e) { console.log(JSON.stringify(t.slice(0, 20)), 'throws', (e as Error).message.slice(0, 60)); }
}
