// Agent Sentinel's spend per session, run and action is a history that successive states share
// (core/eval/spendMap.ts): each event copied the whole map, so a sequence of new session ids was
// quadratic (10,000 events: 69 s of `eval`). Each state must read what a copied object would hold,
// whichever earlier state it was made from; a sequence of states copies nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compilePolicies, loadPolicy, runEvents, type EvalEvent } from '../../server/src/core/index';
import { SpendMap } from '../../server/src/core/eval/spendMap';

describe('spend shared between states', () => {
  it('reads as a copied object, from any earlier state', () => {
    const step = fc.record({
      from: fc.nat(30),
      key: fc.constantFrom('a', 'b', 'c', '1', '10', ''),
      cost: fc.constantFrom(0, 1, 2.5),
    });
    let branched = 0;
    fc.assert(
      fc.property(fc.array(step, { maxLength: 50 }), (steps) => {
        const maps = [SpendMap.empty()];
        const objects: Record<string, number>[] = [{}];
        for (const s of steps) {
          const k = s.from % 3 === 0 ? s.from % maps.length : maps.length - 1;
          if (k !== maps.length - 1) branched++;
          maps.push(maps[k].add(s.key, s.cost));
          objects.push({ ...objects[k], [s.key]: (objects[k][s.key] ?? 0) + s.cost });
          for (const [i, m] of maps.entries()) {
            assert.deepEqual(JSON.stringify(m), JSON.stringify(objects[i]), `state ${i}`);
            for (const key of ['a', 'b', 'c', '1', '10', '', 'zz']) assert.equal(m.get(key), objects[i][key]);
          }
        }
      }),
      { numRuns: 300 },
    );
    assert.ok(branched > 100, `states made from an earlier one: ${branched}`);
  });

  it('copies nothing along a sequence of events with a new session, run and action each', () => {
    const policy = loadPolicy(
      '/ws/callguard.yaml',
      'budgets:\n  session_budget_usd: 1000000\n  run_budget_usd: 1000000\n',
    ).source!;
    const compiled = compilePolicies([policy]);
    const events = Array.from({ length: 2000 }, (_, i) => ({
      action: `act-${i}`,
      session_id: `s-${i}`,
      run_id: `r-${i}`,
      cost_usd: 0.5,
      timestamp: new Date(Date.UTC(2026, 11, 2) + i * 1000).toISOString(),
    })) as EvalEvent[];
    const proto = SpendMap.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
    const copy = proto.copy;
    let copies = 0;
    proto.copy = function (this: unknown, ...a: unknown[]) {
      copies++;
      return copy.apply(this, a);
    };
    try {
      const { results, state } = runEvents(compiled, events);
      assert.equal(results.length, 2000);
      assert.equal(state.sentinel.sessions.get('s-1999'), 0.5);
      assert.equal(Object.keys(JSON.parse(JSON.stringify(state.sentinel.actions)) as object).length, 2000);
    } finally {
      proto.copy = copy;
    }
    assert.equal(copies, 0);
  });
});
