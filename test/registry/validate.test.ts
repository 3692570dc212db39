import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../registry/http';
import { assertValidPolicy, MAX_FIELDS } from '../../registry/policies/validate';

/** The `fields` of the 400 the registry answers a body with, or undefined when it is accepted. */
function fieldsOf(body: unknown): Record<string, string> | undefined {
  try {
    assertValidPolicy(body);
    return undefined;
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    return e.fields;
  }
}

describe('registry request validation', () => {
  it('keys a missing top-level property by its name, and a bad value by its path, without the path in the text', () => {
    assert.deepEqual(fieldsOf({ name: 'x', policyType: 'expression', enforcementMode: 'block' }), {
      ruleDefinition: 'missing required property "ruleDefinition"',
    });
    const fields = fieldsOf({
      name: 'x',
      policyType: 'tool_call',
      enforcementMode: 'block',
      ruleDefinition: { tools: 'bash' },
    });
    assert.deepEqual(Object.keys(fields ?? {}), ['ruleDefinition.tools']);
    assert.match(fields!['ruleDefinition.tools']!, /^must be array, not string/);
  });

  it('accepts a valid bundle', () => {
    assert.equal(
      fieldsOf({
        name: 'x',
        policyType: 'expression',
        enforcementMode: 'block',
        ruleDefinition: { expression: 'true' },
      }),
      undefined,
    );
  });

  it('lists at most MAX_FIELDS fields, and counts every problem in the message', () => {
    const body: Record<string, unknown> = {
      name: 'x',
      policyType: 'expression',
      enforcementMode: 'block',
      ruleDefinition: { expression: 'true' },
    };
    for (let i = 0; i < 20_000; i++) body[`unknown${i}`] = i;
    try {
      assertValidPolicy(body);
      assert.fail('accepted');
    } catch (e) {
      assert.ok(e instanceof ApiError, String(e));
      assert.equal(Object.keys(e.fields ?? {}).length, MAX_FIELDS);
      assert.match(e.message, /and 19,?999 more/);
    }
  });
});
