import { analyze } from './server/src/core/index';
for (const n of [100000]) {
  const o: Record<string, unknown> = { name: 'many', policyType: 'tool_call', enforcementMode: 'block', ruleDefinition: { tools: ['search'] } };
  for (let i = 0; i < n; i++) o[`k${i}`] = i;
  const t0 = Date.now();
  const a = analyze(JSON.stringify(o), { fileName: 'x.json' });
  console.log(n, Date.now() - t0, a.findings.length);
}
