// findCycleThrough walks with a stack of its own: the recursive walk overflowed past about 5,500
// policies of a chain, and the registry answered a write that adds a prerequisite to such a
// policy with 500 "Maximum call stack size exceeded" (a cycle it closed too, instead of 400).
// The answers are the recursive walk's: random graphs are checked against it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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

/** A seeded generator (mulberry32), so that a failure replays. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ (t + t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('findCycleThrough', () => {
  it('finds the cycle the recursive walk finds, on 2,000 random graphs', () => {
    const next = random(6122026);
    let cycles = 0;
    for (let g = 0; g < 2000; g++) {
      const n = 1 + Math.floor(next() * 12);
      const graph = new Map<string, string[]>();
      for (let i = 0; i < n; i++) {
        const out: string[] = [];
        const edges = Math.floor(next() * 4);
        // Names outside the graph too (a prerequisite that is not a policy).
        for (let e = 0; e < edges; e++) out.push(`p${Math.floor(next() * (n + 2))}`);
        graph.set(`p${i}`, out);
      }
      for (const start of graph.keys()) {
        const expected = reference(graph, start);
        if (expected) cycles++;
        assert.deepEqual(findCycleThrough(graph, start), expected, JSON.stringify([...graph]));
      }
    }
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
