import { writeFileSync } from 'node:fs';
import { HOSTILE } from './test/hardening/support/hostile';
for (const h of HOSTILE) writeFileSync('/tmp/chainh/policies/' + h.fileName, h.bytes());
writeFileSync('/tmp/chainh/policies/a.yaml', 'name: a\npolicyType: tool_call\nenforcementMode: block\nprerequisites: [b]\nruleDefinition:\n  tools: [search]\n');
writeFileSync('/tmp/chainh/policies/b.yaml', 'name: b\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [search]\n');
