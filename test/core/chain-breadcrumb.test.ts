// A cycle finding's breadcrumb costs each entry a bounded amount, however long the cycle: a cycle
// through 5,000 policies once gave every one of its 5,000 findings a breadcrumb of 5,001 names (lint:
// 26 s, 2.7 GB, a 347 MB report). Costs are counted (names read), not timed; the ways back are
// checked edge by edge on random graphs, with the search for the shortest one bounded to nothing
// so that the other way (through one policy of the cycle) is the one checked.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chainPolicyFromText,
  ChainIndex,
  cycleThroughEdge,
  cyclicComponents,
  findCycleThroughEdge,
  formatBreadcrumb,
  workspaceChainFindings,
  type Breadcrumb,
} from '../../server/src/core/index';

/** The names a breadcrumb shows, in order (the count of the others left out). */
const shown = (b: Breadcrumb) => [...b.head, ...b.tail];

class Counting extends Map<string, string[]> {
  reads = 0;
  override get(key: string): string[] | undefined {
    this.reads++;
    return super.get(key);
  }
}

function ring(n: number): Counting {
  const graph = new Counting();
  for (let i = 0; i < n; i++) graph.set(`p${i}`, [`p${(i + 1) % n}`]);
  return graph;
}

describe('the breadcrumb of a long cycle', () => {
  it('each entry of a 4,000-policy ring reads a bounded number of names', () => {
    const n = 4000;
    const graph = ring(n);
    const members = new Set(cyclicComponents(graph)[0]);
    assert.equal(members.size, n);
    graph.reads = 0;
    for (let i = 0; i < n; i++) {
      const b = cycleThroughEdge(graph, `p${i}`, `p${(i + 1) % n}`, members)!;
      // The way back is the whole ring: 4,001 names, of which 18 are shown and the rest counted.
      assert.equal(b.head.length + b.skipped + b.tail.length, n + 1, `p${i}`);
      assert.deepEqual(b.head.slice(0, 2), [`p${i}`, `p${(i + 1) % n}`]);
      assert.equal(b.tail[b.tail.length - 1], `p${i}`);
      assert.ok(shown(b).length <= 18);
    }
    // A search of the whole ring from every entry would read n² = 16,000,000 names.
    assert.ok(graph.reads <= n * 140, `${graph.reads} names read`);
  });

  it('an entry of a ring longer than the search reads only the names its breadcrumb shows', () => {
    const n = 2000;
    const graph = ring(n);
    const members = new Set(cyclicComponents(graph)[0]);
    // The first entry pays for the component (is it one ring? the ways to and from one policy).
    const first = cycleThroughEdge(graph, 'p0', 'p1', members)!;
    graph.reads = 0;
    for (let i = 1; i < n; i++) {
      const b = cycleThroughEdge(graph, `p${i}`, `p${(i + 1) % n}`, members)!;
      assert.equal(b.skipped, first.skipped, `p${i}`);
    }
    // The bounded search for a shorter way back read about 32 names per entry.
    assert.equal(graph.reads, 0);
  });

  it('every file of a 3,000-policy ring has one finding whose message names 18 policies', () => {
    const n = 3000;
    const index = new ChainIndex();
    const uris: string[] = [];
    for (let i = 0; i < n; i++) {
      const uri = `p${i}.json`;
      uris.push(uri);
      const bundle = {
        name: `p${i}`,
        policyType: 'cost_limit',
        ruleDefinition: {},
        prerequisites: [`p${(i + 1) % n}`],
      };
      index.set(chainPolicyFromText(uri, JSON.stringify(bundle))!);
    }
    const findings = workspaceChainFindings(index, uris);
    for (let i = 0; i < n; i++) {
      const [f, ...more] = findings[i];
      assert.equal(more.length, 0);
      assert.equal(f.code, 'chain/cycle');
      const names = f.message.replace(/^cycle: /, '').split(' → ');
      assert.equal(names.length, 19, f.message); // 18 names and the count
      assert.equal(names[0], `p${i}`);
      assert.equal(names[names.length - 1], `p${i}`);
      assert.match(f.message, / → … 2,983 more … → /);
      // Twelve hops linked, from the start of the breadcrumb or, where it is short, from its end.
      assert.equal((f.related ?? []).length, 12, f.message);
    }
  });

  it('reads as the whole cycle when it is short, and with the middle counted when it is long', () => {
    assert.equal(formatBreadcrumb({ head: ['a', 'b', 'a'], skipped: 0, tail: [] }), 'cycle: a → b → a');
    assert.equal(
      formatBreadcrumb({ head: ['a', 'b'], skipped: 1234, tail: ['y', 'a'] }),
      'cycle: a → b → … 1,234 more … → y → a',
    );
  });
});

describe('the ways back are ways back', () => {
  /** A deterministic pseudo-random sequence (the cases must be the same on every run). */
  const random = (seed: number) => () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

  /** Rings with chords: cycles of every length up to 60, and several ways back from most edges. */
  function graphOf(round: number): Map<string, string[]> {
    const next = random(round + 7);
    const size = 2 + Math.floor(next() * 60);
    const graph = new Map<string, string[]>();
    for (let i = 0; i < size; i++) {
      const edges = next() < 0.8 ? [`n${(i + 1) % size}`] : [];
      for (let k = Math.floor(next() * 3); k > 0; k--) edges.push(`n${Math.floor(next() * size)}`);
      graph.set(`n${i}`, [...new Set(edges)]);
    }
    return graph;
  }

  const isWalk = (graph: Map<string, string[]>, names: string[]) =>
    names.every((n, i) => i === 0 || graph.get(names[i - 1])!.includes(n));

  /** Each edge inside a cycle of the 60 graphs, with its graph, component and round. */
  function eachCycleEdge(
    check: (
      graph: Map<string, string[]>,
      from: string,
      to: string,
      members: Set<string>,
      round: number,
    ) => void,
  ): void {
    for (let round = 0; round < 60; round++) {
      const graph = graphOf(round);
      for (const c of cyclicComponents(graph)) {
        const members = new Set(c);
        for (const from of c)
          for (const to of graph.get(from)!.filter((t) => members.has(t) && t !== from))
            check(graph, from, to, members, round);
      }
    }
  }

  it('the shortest way back, shown whole up to 18 names', () => {
    eachCycleEdge((graph, from, to, members, round) => {
      const path = findCycleThroughEdge(graph, from, to)!;
      const b = cycleThroughEdge(graph, from, to, members)!;
      assert.equal(b.head.length + b.skipped + b.tail.length, path.length, `round ${round}`);
      if (path.length <= 18) assert.deepEqual(b.head, path, `round ${round} ${from} → ${to}`);
      else assert.deepEqual(shown(b), [...path.slice(0, 14), ...path.slice(-4)]);
    });
  });

  it('a way through the chosen policy that passes `from` first is cut there', () => {
    // r is the chosen policy (the component's first member). From t, the way to r passes f itself:
    // the cycle is f → t → x01 → … → x40 → f, and r is not on it.
    const graph = new Map<string, string[]>([
      ['r', ['f']],
      ['f', ['t', 'r']],
      ['t', ['x01']],
    ]);
    const x = Array.from({ length: 40 }, (_, i) => `x${String(i + 1).padStart(2, '0')}`);
    x.forEach((n, i) => graph.set(n, [x[i + 1] ?? 'f']));
    const members = new Set(['r', 'f', 't', ...x]);
    const b = cycleThroughEdge(graph, 'f', 't', members)!;
    assert.deepEqual(b.head, ['f', 't', ...x.slice(0, 15)]);
    assert.deepEqual(b.tail, ['f']);
    assert.equal(b.head.length + b.skipped + b.tail.length, 43);
    assert.ok(!shown(b).includes('r'), formatBreadcrumb(b));
    // And the way from the chosen policy that passes `to`: r → f is an entry of r's file too.
    const back = cycleThroughEdge(graph, 'r', 'f', members)!;
    assert.deepEqual(back, { head: ['r', 'f', 'r'], skipped: 0, tail: [] });
  });

  it('through one policy of the cycle, when the search stops after its first step', () => {
    const none = { entries: 0, steps: 0 };
    let elided = 0;
    let whole = 0;
    eachCycleEdge((graph, from, to, members, round) => {
      const b = cycleThroughEdge(graph, from, to, members, none)!;
      const what = `round ${round}: ${from} → ${to}: ${formatBreadcrumb(b)}`;
      assert.deepEqual(b.head.slice(0, 2), [from, to], what);
      assert.ok(isWalk(graph, b.head) && isWalk(graph, b.tail), what);
      if (b.skipped) {
        elided++;
        assert.equal(b.tail[b.tail.length - 1], from, what);
        assert.equal(shown(b).length, 18, what);
      } else {
        whole++;
        assert.equal(b.tail.length, 0, what);
        assert.equal(b.head[b.head.length - 1], from, what);
        // A cycle: no policy twice but `from`, which starts and ends it.
        assert.equal(new Set(b.head).size, b.head.length - 1, what);
        assert.ok(b.head.length <= 18, what);
      }
    });
    assert.ok(elided > 0 && whole > 0, `${elided} elided, ${whole} whole`);
  });
});
