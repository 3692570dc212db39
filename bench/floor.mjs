// The floor of the CLI scenario: the least work any schema linter must do, in one Node process.
// Read every bundle, parse it with the fastest parser on npm for its format (JSON.parse, js-yaml),
// and run one ajv validator. No positions, no messages, no cross-file analysis.
// With a third argument, the validator is ajv's standalone code generated before the run
// (bench/floor-validator.ts), as Policy Lens ships its own: the floor then pays no schema compile.
// Plain JavaScript on purpose: a TypeScript loader would add its own start-up to the floor.
// Usage: node bench/floor.mjs <schema.json> <folder> [validator.cjs]
//        → prints {"files":N,"invalid":M,"parser":…} on stdout.
import { readFileSync } from 'node:fs';
import { walk } from './floor-walk.mjs';
import { createRequire } from 'node:module';
import * as jsYaml from 'js-yaml';

const [schemaPath, folder, precompiled] = process.argv.slice(2);
if (!schemaPath || !folder) {
  console.error('usage: node bench/floor.mjs <schema.json> <folder> [validator.cjs]');
  process.exit(2);
}

// js-yaml 3 (ajv-cli's own copy) parses these small bundles about twice as fast as js-yaml 5, the
// project's copy, so the floor takes it when it is there: the floor must be the fastest we know.
function fastestYaml() {
  try {
    const req = createRequire(createRequire(import.meta.url).resolve('ajv-cli/package.json'));
    const y = req('js-yaml');
    return { load: y.load, parser: `js-yaml@${req('js-yaml/package.json').version}` };
  } catch {
    return { load: jsYaml.load, parser: 'js-yaml' };
  }
}
const { load: loadYaml, parser } = fastestYaml();

async function compiled() {
  const { default: Ajv2020 } = await import('ajv/dist/2020.js');
  // strict:false because the schema carries Policy Lens's own x-… annotation keywords.
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  return ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
}
const validate = precompiled ? createRequire(import.meta.url)(precompiled) : await compiled();
let invalid = 0;
const files = walk(folder, []);
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  let value;
  try {
    value = file.endsWith('.json') ? JSON.parse(text) : loadYaml(text);
  } catch {
    invalid++;
    continue;
  }
  if (!validate(value)) invalid++;
}
process.stdout.write(JSON.stringify({ files: files.length, invalid, parser }) + '\n');
