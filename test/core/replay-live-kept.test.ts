// `liveKept`: the live policies a sync leaves in the org besides the bundles it writes, by the plan's
// own rules. Checked against `planSync` itself, so the two cannot drift apart.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { liveKept, planSync, type LiveOrgPolicy } from '../../server/src/core/index';

const body = {
  policyType: 'expression',
  enforcementMode: 'block',
  ruleDefinition: { expression: 'cost > 1.0' },
};
const policy = (id: string, name: string): LiveOrgPolicy => ({ id, name, ...body });
const live = [policy('1', 'a'), policy('2', 'b'), policy('3', 'c'), policy('4', 'a')];
const desired = [{ name: 'a', file: 'a.json', value: { name: 'a', ...body } }];

describe('liveKept', () => {
  for (const prune of [false, true])
    it(`keeps what the plan neither updates nor deletes (prune: ${prune})`, () => {
      const plan = planSync(desired, live, { prune });
      const touched = new Set(plan.steps.map((s) => s.liveId).filter(Boolean));
      const expected = live.filter((p) => !touched.has(p.id)).map((p) => p.id);
      const { kept, pruned } = liveKept(live, new Set(['a']), prune);
      assert.deepEqual(
        kept.map((p) => p.id),
        expected,
      );
      assert.equal(pruned, plan.steps.filter((s) => s.action === 'delete').length);
    });

  it('the second live policy of a declared name stays: the plan compares only the first', () => {
    assert.deepEqual(
      liveKept(live, new Set(['a', 'b', 'c']), true).kept.map((p) => p.id),
      ['4'],
    );
  });
});
