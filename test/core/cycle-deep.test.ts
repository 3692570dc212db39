// findCycleThrough walks with a stack of its own: the recursive walk overflowed past about 5,500
// policies of a chain, and the registry answered a write that adds a prerequisite to such a
// policy with 500 "Maximum call stack size exceeded" (a cycle it closed too, instead of 400).
// The answers are the recursive walk's: random graphs (fast-check) are checked against it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findCycleThrough, type Graph } from '../../server/src/core/chain/cycles';

/** The recursive walk the function replaced, as the reference. */
function reference(graph: Graph, start: string): string[] | undefined {
  const stack: string[] = [];
  const onStack = new Set<string>();
  const done = new Set<string>();
  const visit = (n: string): string[] | undefined => {
    if (onStack.has(n)) return n === start ? [...stack, n] : undefined;
    if (done.has(n)) return undefined;
    stack.push(n);
    onStack.add(n);
    for (const next of graph.get(n) ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    stack.pop();
    onStack.delete(n);
    done.add(n);
    return undefined;
  };
  return visit(start);
}

describe('findCycleThrough', () => {
  it('finds the cycle the recursive walk finds, on random graphs', () => {
    let cycles = 0;
    // Up to 12 policies, each naming up to 3 others, names outside the graph included.
    const graphs = fc
      .integer({ min: 1, max: 12 })
      .chain((n) =>
        fc.array(fc.array(fc.integer({ min: 0, max: n + 1 }), { maxLength: 3 }), {
          minLength: n,
          maxLength: n,
        }),
      )
      .map((edges) => new Map(edges.map((out, i) => [`p${i}`, out.map((j) => `p${j}`)])));
    fc.assert(
      fc.property(graphs, (graph) => {
        for (const start of graph.keys()) {
          const expected = reference(graph, start);
          if (expected) cycles++;
          assert.deepEqual(findCycleThrough(graph, start), expected);
        }
      }),
      { numRuns: 2000 },
    );
    assert.ok(cycles > 1000, `${cycles} cycles among the cases`);
  });

  it('walks a chain of 50,000 policies, with and without the cycle it closes', () => {
    const N = 50_000;
    const graph = new Map<string, string[]>();
    for (let i = 0; i < N; i++) graph.set(`p${i}`, i + 1 < N ? [`p${i + 1}`] : []);
    assert.equal(findCycleThrough(graph, 'p0'), undefined);
    graph.set(`p${N - 1}`, ['p0']);
    const cycle = findCycleThrough(graph, 'p0');
    assert.equal(cycle?.length, N + 1);
    assert.equal(cycle?.[0], 'p0');
    assert.equal(cycle?.[N], 'p0');
  });
});
