import { readFileSync } from 'node:fs';
import { analyze } from '../server/src/core/index';
import { readPolicyText } from '../server/src/cli/files';
const raw = readFileSync('test/fixtures/lint/bom-crlf/input.yaml', 'utf8');
const { text } = readPolicyText('test/fixtures/lint/bom-crlf/input.yaml');
console.log(JSON.stringify(raw.slice(0, 20)), JSON.stringify(text.slice(0, 20)));
console.log(analyze(raw, { fileName: 'input.yaml' }).findings.map((f) => f.code));
console.log(analyze(text, { fileName: 'input.yaml' }).findings.map((f) => f.code));
