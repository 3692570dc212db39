// The case "Create a test for <policy>" writes: an event that makes the policy fire. A CEL macro's
// variable is an item of the list it ranges over: `tools.exists(t, t == "shell")` was written as a
// field `t: shell` (a field test), an event the schema rejects and that does not fire the policy.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { suggestTestCase } from '../../server/src/core/index';

const bundle = (expression: string) => ({
  uri: 'policies/p.yaml',
  dialect: 'execlave',
  value: { name: 'p', policyType: 'expression', enforcementMode: 'block', ruleDefinition: { expression } },
});

it('a macro variable compared with a literal makes an item of its list, and the policy fires', () => {
  for (const expression of [
    'environment == "production" && tools.exists(t, t == "shell")',
    'tools.exists_one(x, x == "shell") && environment == "production"',
  ]) {
    const c = suggestTestCase(bundle(expression));
    const event = c.event ?? {};
    assert.deepEqual(event.tools, ['shell'], expression);
    assert.equal(event.environment, 'production', expression);
    assert.ok(!('t' in event) && !('x' in event), `${expression}: ${JSON.stringify(event)}`);
    assert.equal(c.expect.decision, 'block', expression);
    assert.ok(c.fires, `${expression}: the event fires the policy`);
  }
});
