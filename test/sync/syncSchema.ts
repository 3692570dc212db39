// `sync --format json` checked against its published schema (schemas/cli/sync.schema.json), for the
// sync tests that read the JSON output.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { ROOT } from './harness';

const schema = new Ajv2020({ strict: true, strictRequired: false, allErrors: true }).compile(
  JSON.parse(readFileSync(join(ROOT, 'schemas', 'cli', 'sync.schema.json'), 'utf8')) as object,
);

/** Checks a `sync --format json` output against schemas/cli/sync.schema.json. */
export function assertSchema(value: object): void {
  assert.ok(schema(value), JSON.stringify(schema.errors));
}
