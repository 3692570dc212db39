// The cross-file analysis costs at most n log n in the workspace: the "did you mean" of a missing
// prerequisite comes from an index built once per set of names, and the search for the cycle an
// entry closes stays inside the cycle. Costs are counted (names read, indexes built), not timed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chainPolicyFromText, ChainIndex, findCycleThroughEdge, nearest } from '../../server/src/core/index';

describe('chain index', () => {
  it('the chain index suggests from one index per set of names', () => {
    const index = new ChainIndex();
    const bundle = (name: string, prereq: string) =>
      chainPolicyFromText(
        `${name}.json`,
        JSON.stringify({ name, policyType: 'cost_limit', ruleDefinition: {}, prerequisites: [prereq] }),
      )!;
    for (let i = 0; i < 50; i++) index.set(bundle(`policy-${i}`, `policy-${i}x`));
    assert.deepEqual(index.nearestNames('policy-7x'), nearest('policy-7x', index.names()));
    const names = index.names();
    // An edit that keeps every name leaves the sorted names (and the index built on them) alone.
    index.set(bundle('policy-3', 'polcy-3'));
    assert.equal(index.names(), names);
    index.set(bundle('policy-50', 'policy-1'));
    assert.notEqual(index.names(), names);
    assert.deepEqual(index.nearestNames('policy-5'), nearest('policy-5', index.names()));
  });
});

describe('cycle search', () => {
  it('looks for the way back only inside the cycle when it is given', () => {
    // A 3-cycle whose members also wait for the head of a 5,000-long chain.
    class Counting extends Map<string, string[]> {
      reads = 0;
      override get(key: string): string[] | undefined {
        this.reads++;
        return super.get(key);
      }
    }
    const graph = new Counting();
    for (let i = 0; i < 5000; i++) graph.set(`c${i}`, i + 1 < 5000 ? [`c${i + 1}`] : []);
    graph.set('a', ['c0', 'b']);
    graph.set('b', ['c0', 'c']);
    graph.set('c', ['c0', 'a']);
    const members = new Set(['a', 'b', 'c']);
    assert.deepEqual(findCycleThroughEdge(graph, 'a', 'b', members), ['a', 'b', 'c', 'a']);
    assert.ok(graph.reads <= members.size, `${graph.reads} nodes read`);
    graph.reads = 0;
    assert.deepEqual(findCycleThroughEdge(graph, 'a', 'b'), ['a', 'b', 'c', 'a']);
  });
});
