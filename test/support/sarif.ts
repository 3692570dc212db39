import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';

const SCHEMA = join(
  __dirname,
  '..',
  '..',
  'node_modules',
  '@microsoft',
  'jest-sarif',
  'lib',
  'schemas',
  'sarif-2.1.0-rtm.5.json',
);

let compiled: ((log: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** Validates a log against the published SARIF 2.1.0 schema; the first errors, or none. */
export function sarifErrors(log: unknown): ErrorObject[] {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(SCHEMA, 'utf8')) as Record<string, unknown>;
    // The published schema names itself with draft-04's `id`; ajv (draft-07) wants `$id`.
    delete schema.$schema;
    if (typeof schema.id === 'string') {
      schema.$id = schema.id;
      delete schema.id;
    }
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    compiled = ajv.compile(schema);
  }
  return compiled(log) ? [] : (compiled.errors ?? []).slice(0, 3);
}
