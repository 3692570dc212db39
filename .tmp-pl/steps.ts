import { readFileSync } from 'node:fs';
import { parseEvents, constructFromEvents, CORE_SCHEMA } from 'js-yaml';
import { analyze, LineIndex, validatorFor, getDialect } from '../server/src/core/index';
import { parseYamlEvents } from '../server/src/core/parse/events';
const t0 = readFileSync('/work/main/bench/corpus/big-5000/policies/big-5000.yaml', 'utf8');
const variants = Array.from({ length: 60 }, (_, i) => { const l = t0.split('\n'); l[100 + i * 70] = '    - 12345'; return l.join('\n'); });
const time = (label: string, f: (t: string) => unknown) => {
  for (let i = 0; i < 10; i++) f(variants[i]);
  const s = performance.now();
  for (let i = 10; i < 60; i++) f(variants[i]);
  console.log(label.padEnd(22), ((performance.now() - s) / 50).toFixed(2), 'ms');
};
const v = validatorFor(getDialect('execlave')!.schema);
time('parseEvents', (t) => parseEvents(t, {}));
time('events+construct', (t) => constructFromEvents(parseEvents(t, {}), { source: t, schema: CORE_SCHEMA }));
time('parseYamlEvents+tree', (t) => parseYamlEvents(t)!.tree());
time('validate', (t) => v(parseYamlEvents(t)!.value));
time('LineIndex', (t) => new LineIndex(t).positionAt(t.length - 1));
time('analyze', (t) => analyze(t, { fileName: 'p/big.yaml' }));
