import { parseEvents } from 'js-yaml';
for (const t of ['a: |\n\n\n', 'a: |\n ', 'a: |\n  x\n']) console.log(JSON.stringify(t), JSON.stringify(parseEvents(t, {}).filter((e: any) => e.type === 4)));
