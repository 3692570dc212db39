import { analyze } from '../server/src/core/index';
const t = 'name: ' + '['.repeat(2000) + ']'.repeat(2000) + '\n';
const a = analyze(t, { fileName: 'file:///ws/policies/bad/deep-nesting.yaml' });
console.log(a.findings.length, a.findings.slice(0, 3));
const a2 = analyze(t, { fileName: 'file:///ws/policies/bad/deep-nesting.yaml' });
console.log(a2.findings.length);
