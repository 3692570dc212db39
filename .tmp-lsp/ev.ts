import { parseEvents, constructFromEvents, CORE_SCHEMA, getScalarValue } from 'js-yaml';
const t = 'name: "Block \\"x\\""\npolicyType: pii_access # c\nr:\n  a: [1, \'b\', {c: d}]\n  list:\n    - x\n    - y\n\n  e: |\n    lit\n    two\n  f:\nk: v\n';
const ev = parseEvents(t, {});
for (const e of ev) {
  const any = e as any;
  if (any.type === undefined) continue;
  console.log(JSON.stringify({ ...any }), any.valueStart !== undefined ? JSON.stringify(t.slice(any.valueStart, any.valueEnd)) + ' => ' + JSON.stringify(getScalarValue(t, any)) : any.start !== undefined ? JSON.stringify(t.slice(any.start, any.start + 5)) : '');
}
console.log(constructFromEvents(ev, { source: t, schema: CORE_SCHEMA }));
