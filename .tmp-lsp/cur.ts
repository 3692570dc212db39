import { cursorContext } from '../server/src/lsp/cursor';
const cases: [string, 'yaml'|'json'][] = [
  ['name: x\npolic|\n', 'yaml'],
  ['name: x\npolicyType: |\n', 'yaml'],
  ['name: x\npolicyType:|\n', 'yaml'],
  ['name: x\npolicyType: pii|\nruleDefinition:\n  x: 1\n', 'yaml'],
  ['policyType: pii_access\nruleDefinition:\n  |\n', 'yaml'],
  ['policyType: pii_access\nruleDefinition:\n  denied_pii_types:\n    - ssn\n    - |\n', 'yaml'],
  ['policyType: pii_access\nruleDefinition:\n  denied_pii_types:\n  - ssn\n  - cr|\n', 'yaml'],
  ['policyType: pii_access\nruleDefinition: {denied_pii_types: [ssn, |]}\n', 'yaml'],
  ['{name: x, polic|}', 'yaml'],
  ['{name: x, policyType: |}', 'yaml'],
  ['{\n  "name": "x",\n  "polic|', 'json'],
  ['{\n  "name": "x",\n  "policyType": "|"\n}', 'json'],
  ['{\n  "ruleDefinition": {"denied_pii_types": ["ssn", |]}\n}', 'json'],
  ['name: x\ndescription: |\n  foo: bar\n|', 'yaml'],
  ['tools:\n  - name: a\n    appr|\n', 'yaml'],
  ['ruleDefinition: {\n  denied_pii_types: [ssn,\n   |\n', 'yaml'],
  ['name: x\n# comm|\n', 'yaml'],
  ['|', 'yaml'],
];
for (const [t, lang] of cases) {
  const off = t.indexOf('|', t.startsWith("name: x\ndescription") ? 25 : 0);
  const text = t.slice(0, off) + t.slice(off + 1);
  console.log(JSON.stringify(t), JSON.stringify(cursorContext(text, off, lang)));
}
