// Every dialect's schema is itself a valid draft 2020-12 schema. The engine compiles its schemas
// without checking them against the meta-schema (that would double the CLI's start-up), so the
// check lives here, once, where a broken schema fails the build instead of a user's lint run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import { DIALECTS } from '../../server/src/core/dialects';

test('every dialect schema conforms to the draft 2020-12 meta-schema', () => {
  const ajv = new Ajv2020({ strict: false });
  assert.ok(DIALECTS.length >= 4, 'the dialects are all listed');
  for (const d of DIALECTS) {
    const ok = ajv.validateSchema(d.schema);
    assert.equal(ok, true, `${d.id}: ${ajv.errorsText(ajv.errors)}`);
  }
});

test('the meta-schema check catches a broken schema', () => {
  const ajv = new Ajv2020({ strict: false });
  assert.equal(ajv.validateSchema({ type: 'object', properties: { a: { type: 'strnig' } } }), false);
  assert.equal(ajv.validateSchema({ type: 'object', required: 'name' }), false);
});
