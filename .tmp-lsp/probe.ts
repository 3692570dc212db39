import { analyze } from '../server/src/core/index';
for (const t of ['name: x\npolic\nenforcementMode: block\n', 'name: x\npolicyType: \n', '{name: x, polic}', '{"name": "x", "polic', 'name: x\npolicyType: pii_access\nruleDefinition:\n  denied_pii_types:\n    - \n']) {
  const a = analyze(t, { fileName: t.startsWith('{"') ? 'a.json' : 'a.yaml' });
  const strip = (n: any): any => n && (n.type === 'object' ? { o: n.properties.map((p: any) => [p.key.value, p.key.offset, strip(p.value)]) } : n.type === 'array' ? n.items.map(strip) : [n.type, n.value, n.offset, n.end]);
  console.log(JSON.stringify(t), a.doc?.value, JSON.stringify(strip(a.doc?.root)), a.findings.map(f => f.code + ':' + f.message));
}
