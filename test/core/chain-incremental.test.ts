// The chain index updated one file at a time gives what a fresh index gives, an edit re-reads only
// the edited file, and the ordering and cycle functions keep their promises on any graph.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  chainFindings,
  chainPolicyFromText,
  ChainIndex,
  cyclicComponents,
  evaluationOrder,
  findCycleThrough,
  findCycleThroughEdge,
  formatCycle,
  type OrderItem,
} from '../../server/src/core/index';
import { cases } from '../support/fixtures';
import { liveOf, loadIndex, workspaceFiles } from './chain-support';

function snapshot(index: ChainIndex) {
  const findings = [...chainFindings(index)]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([uri, list]) => [uri, list.map((f) => [f.code, f.message, f.span, f.related])]);
  return { findings, order: evaluationOrder(index).map((o) => `${o.item.uri} ${o.inCycle}`) };
}

describe('chain index: incremental updates', () => {
  for (const c of cases('chain').filter((x) => x.name !== 'long-chain')) {
    it(`${c.name}: any order of adds, removes and re-adds gives the fresh result`, () => {
      const fresh = snapshot(loadIndex(c.dir).index);
      // Files that are not bundles (malformed, empty, other YAML) never enter the index.
      const files = [...workspaceFiles(join(c.dir, 'workspace'))].filter(([uri, text]) =>
        chainPolicyFromText(uri, text),
      );
      fc.assert(
        fc.property(
          fc.shuffledSubarray(files, { minLength: files.length, maxLength: files.length }),
          fc.array(fc.nat(files.length - 1), { maxLength: 6 }),
          (shuffled, churn) => {
            const index = new ChainIndex();
            const live = liveOf(c.dir);
            index.setLiveResolvers(live.byId, live.byName);
            for (const [uri, text] of shuffled) index.set(chainPolicyFromText(uri, text)!);
            for (const k of churn) {
              const [uri, text] = files[k];
              index.delete(uri);
              index.set(chainPolicyFromText(uri, text)!);
            }
            assert.deepEqual(snapshot(index), fresh);
          },
        ),
        { numRuns: 25 },
      );
    });
  }

  it('an edit re-reads only the edited file, and the findings of the others follow', () => {
    const { index, files } = loadIndex(join(__dirname, '..', 'fixtures', 'chain', 'cycle-3'));
    assert.deepEqual([...chainFindings(index).keys()].sort(), [
      'classify-intent.json',
      'escalate-review.yml',
      'sanitise-input.yaml',
    ]);
    const others = index.all().filter((p) => p.uri !== 'classify-intent.json');
    const edited = files.get('classify-intent.json')!.replace('["escalate-review"]', '[]');
    index.set(chainPolicyFromText('classify-intent.json', edited)!);
    assert.equal(chainFindings(index).size, 0);
    for (const p of others) assert.equal(index.get(p.uri), p, `${p.uri} was not re-read`);
  });

  it('a rename in one file turns its dependents into missing links, and back', () => {
    const { index, files } = loadIndex(join(__dirname, '..', 'fixtures', 'chain', 'seed-chain'));
    const uri = 'policies/pii-guard.yaml';
    index.set(chainPolicyFromText(uri, files.get(uri)!.replace('name: pii-guard', 'name: pii-shield'))!);
    const missing = [...chainFindings(index)].flatMap(([u, l]) => l.map((f) => `${u} ${f.code}`));
    assert.deepEqual(missing, [
      'policies/finance-cost-cap.json chain/missing-prerequisite',
      'policies/security-review.json chain/missing-prerequisite',
    ]);
    index.set(chainPolicyFromText(uri, files.get(uri)!)!);
    assert.equal(chainFindings(index).size, 0);
  });

  it('a file that stops being a bundle leaves the index', () => {
    const index = new ChainIndex([chainPolicyFromText('a.yaml', 'name: a\npolicyType: expression\n')!]);
    assert.equal(chainPolicyFromText('a.yaml', 'services:\n  web: {}\n'), undefined);
    assert.equal(chainPolicyFromText('b.yaml', ''), undefined);
    assert.equal(chainPolicyFromText('c.json', '{"name": '), undefined);
    index.delete('a.yaml');
    assert.equal(index.size, 0);
  });
});

describe('evaluation order and cycles on any graph', () => {
  const item = (id: string, prerequisites: string[], evaluationOrder?: number): OrderItem => ({
    id,
    name: id,
    prerequisites,
    ...(evaluationOrder === undefined ? {} : { evaluationOrder }),
  });

  it('orders by prerequisites, then evaluationOrder (default 100), then name', () => {
    const order = evaluationOrder([
      item('c', [], 100),
      item('b', []),
      item('a', ['z'], 300),
      item('z', [], 500),
      item('y', ['unknown-id'], 100),
    ]);
    assert.deepEqual(
      order.map((o) => o.item.id),
      ['b', 'c', 'y', 'z', 'a'],
    );
  });

  it('places every policy of a cycle once, marked, and what waits on it after', () => {
    // The cycle is entered at its first policy by the tiebreak (a); e only waits for a, so its low
    // evaluationOrder puts it right after; d waits for the end of the cycle.
    const order = evaluationOrder([
      item('a', ['c']),
      item('b', ['a']),
      item('c', ['b']),
      item('d', ['c'], 0),
      item('e', ['a'], 0),
    ]);
    assert.deepEqual(
      order.map((o) => `${o.item.id}${o.inCycle ? '*' : ''}`),
      ['a*', 'e', 'b*', 'c*', 'd'],
    );
  });

  it('on an acyclic graph every prerequisite comes first; on any graph every item appears once', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 30 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 60 }),
              fc.array(fc.integer({ min: 0, max: 5 }), { minLength: n, maxLength: n }),
              fc.boolean(),
            ),
          ),
        ([n, edges, orders, acyclic]) => {
          const items = Array.from({ length: n }, (_, i) =>
            item(
              `p${i}`,
              edges.filter(([a, b]) => a === i && (!acyclic || b < a)).map(([, b]) => `p${b}`),
              orders[i],
            ),
          );
          const order = evaluationOrder(items);
          assert.equal(new Set(order.map((o) => o.item.id)).size, n);
          if (!acyclic) return;
          const at = new Map(order.map((o) => [o.item.id, o.position]));
          for (const it of items) for (const p of it.prerequisites) assert.ok(at.get(p)! < at.get(it.id)!);
          assert.ok(order.every((o) => !o.inCycle));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('finds the cycle an edge closes, the shortest way back', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c', 'x']],
      ['c', ['a']],
      ['x', ['y']],
      ['y', ['a']],
    ]);
    assert.deepEqual(findCycleThroughEdge(graph, 'a', 'b'), ['a', 'b', 'c', 'a']);
    assert.deepEqual(findCycleThroughEdge(graph, 'b', 'x'), ['b', 'x', 'y', 'a', 'b']);
    assert.equal(findCycleThroughEdge(new Map([['a', ['b']]]), 'a', 'b'), undefined);
    assert.equal(formatCycle(findCycleThrough(graph, 'a')!), 'cycle: a → b → c → a');
    assert.deepEqual(
      cyclicComponents(graph).map((c) => [...c].sort()),
      [['a', 'b', 'c', 'x', 'y']],
    );
  });

  it('walks a chain of 20,000 policies without running out of stack', () => {
    const graph = new Map<string, string[]>();
    for (let i = 0; i < 20_000; i++) graph.set(`p${i}`, i ? [`p${i - 1}`] : ['p19999']);
    assert.equal(cyclicComponents(graph)[0].length, 20_000);
    assert.equal(findCycleThroughEdge(graph, 'p0', 'p19999')!.length, 20_001);
    const order = evaluationOrder([...graph].map(([id, prerequisites]) => item(id, prerequisites)));
    assert.equal(order.length, 20_000);
  });
});
