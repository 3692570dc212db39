// The cross-file analysis costs at most n log n in the workspace: the "did you mean" of a missing
// prerequisite comes from an index built once per set of names, and the search for the cycle an
// entry closes stays inside the cycle. Costs are counted (names read, indexes built), not timed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chainFindings,
  chainPolicyFromText,
  ChainIndex,
  cycleThroughEdge,
  cyclicComponents,
  evaluationOrder,
  findCycleThroughEdge,
  nearest,
  workspaceChainFindings,
} from '../../server/src/core/index';
import { numbered, shortestWayBack } from '../../server/src/core/chain/component';

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

describe('a name thousands of bundles share', () => {
  it('is listed once for every entry that names it, and each duplicate links twelve', () => {
    // 3,000 bundles called "same" and 3,000 that name it: resolving each entry to its own list of
    // 3,000 bundles took lint 9.3 s and 990 MB at 10,000 of each.
    const index = new ChainIndex();
    const add = (name: string, prerequisites: string[]) =>
      index.set(
        chainPolicyFromText(
          `${name}.json`,
          JSON.stringify({
            name: name.replace(/-\d+$/, ''),
            policyType: 'cost_limit',
            ruleDefinition: {},
            prerequisites,
          }),
        )!,
      );
    for (let i = 0; i < 3000; i++) add(`same-${i}`, []);
    for (let i = 0; i < 3000; i++)
      index.set(
        chainPolicyFromText(
          `user-${i}.json`,
          JSON.stringify({
            name: `user-${i}`,
            policyType: 'cost_limit',
            ruleDefinition: {},
            prerequisites: ['same'],
          }),
        )!,
      );
    const lists = new Set(
      index
        .all()
        .flatMap((p) => index.resolutions(p).map((r) => (r.status === 'workspace' ? r.targets : undefined))),
    );
    lists.delete(undefined);
    assert.equal(lists.size, 1, 'one list of the bundles called "same", shared by every entry');
    assert.equal([...lists][0]!.length, 3000);
    const uris = index.all().map((p) => p.uri);
    const findings = workspaceChainFindings(index, uris);
    for (const [i, uri] of uris.entries()) {
      if (!uri.startsWith('same-')) {
        assert.deepEqual(findings[i], [], uri);
        continue;
      }
      const [f] = findings[i];
      assert.equal(f.code, 'chain/duplicate-name');
      assert.match(f.message, /^2999 other bundles in the workspace are also named "same"/);
      assert.equal(f.related?.length, 12);
      assert.ok(f.related!.every((r) => r.uri !== uri));
    }
  });
});

describe('an id thousands of bundles carry', () => {
  it('has its carriers listed once for every entry that names it, and each finding is bounded', () => {
    // 3,000 bundles of different names that carry one server id, and 3,000 that name the id: a list
    // of the carriers (and a message naming them all) per entry would cost their product.
    const id = '00000000-0000-4000-8000-000000000001';
    const index = new ChainIndex();
    const add = (uri: string, value: object) => index.set(chainPolicyFromText(uri, JSON.stringify(value))!);
    for (let i = 0; i < 3000; i++) add(`copy-${i}.json`, { id, name: `copy-${i}`, policyType: 'cost_limit' });
    for (let i = 0; i < 3000; i++)
      add(`user-${i}.json`, { name: `user-${i}`, policyType: 'cost_limit', prerequisites: [id] });
    const facts = new Set(
      index
        .all()
        .flatMap((p) =>
          index.resolutions(p).map((r) => (r.status === 'unresolved' ? r.carriers : undefined)),
        ),
    );
    facts.delete(undefined);
    assert.equal(facts.size, 1, "one list of the id's carriers, shared by every entry");
    assert.equal([...facts][0]!.carriers.length, 3000);
    const uris = index.all().map((p) => p.uri);
    const findings = workspaceChainFindings(index, uris);
    for (const [i, uri] of uris.entries()) {
      if (!uri.startsWith('user-')) continue;
      const [f] = findings[i];
      assert.equal(f.code, 'chain/exported-id');
      assert.match(
        f.message,
        /is the "id" of 3000 bundles, "copy-0" \(copy-0\.json\), "copy-1" \(copy-1\.json\), "copy-10" \(copy-10\.json\) and 2997 more:/,
      );
      assert.equal(f.related?.length, 12);
      assert.equal(f.fixes?.length, 3);
    }
  });
});

describe('the evaluation order with names several bundles share', () => {
  /** A deterministic pseudo-random sequence (the cases must be the same on every run). */
  const random = (seed: number) => () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

  it('waits for a shared name through one junction, in the order of an edge to each bundle', () => {
    for (let round = 0; round < 40; round++) {
      const next = random(round + 3);
      // Few names for many bundles: duplicates, and cycles through them.
      const names = Array.from({ length: 2 + Math.floor(next() * 6) }, (_, i) => `n${i}`);
      const index = new ChainIndex();
      for (let i = 0; i < 3 + Math.floor(next() * 25); i++) {
        const bundle = {
          name: names[Math.floor(next() * names.length)],
          policyType: 'cost_limit',
          ruleDefinition: {},
          evaluationOrder: 10 * Math.floor(next() * 4),
          prerequisites: [
            ...new Set(
              Array.from({ length: Math.floor(next() * 3) }, () => names[Math.floor(next() * names.length)]),
            ),
          ],
        };
        index.set(chainPolicyFromText(`b${i}.json`, JSON.stringify(bundle))!);
      }
      // The order as it was: an edge from each entry to every bundle of the name it resolves to.
      const direct = evaluationOrder(
        index.all().map((p) => ({
          id: p.uri,
          name: p.name ?? '',
          evaluationOrder: p.evaluationOrder,
          prerequisites: index
            .resolutions(p)
            .flatMap((r) =>
              r.status === 'workspace' ? r.targets.map((t) => t.uri) : r.status === 'self' ? [p.uri] : [],
            ),
        })),
      );
      const shown = (o: { item: { uri?: string; id?: string }; position: number; inCycle: boolean }[]) =>
        o.map((x) => `${x.position} ${x.item.uri ?? x.item.id}${x.inCycle ? ' cycle' : ''}`);
      assert.deepEqual(shown(evaluationOrder(index)), shown(direct), `round ${round}`);
    }
  });
});

describe('cycle search', () => {
  /** A graph that counts the lists read from it, and the entries read from those lists. */
  class Counting extends Map<string, string[]> {
    reads = 0;
    entriesRead = 0;
    override get(key: string): string[] | undefined {
      this.reads++;
      const list = super.get(key);
      if (!list) return list;
      const count = () => this.entriesRead++;
      return new Proxy(list, {
        get(target, prop, receiver) {
          if (typeof prop === 'string' && /^\d+$/.test(prop)) count();
          return Reflect.get(target, prop, receiver) as unknown;
        },
      });
    }
  }

  it('looks for the way back only inside the cycle when it is given', () => {
    // A 3-cycle whose members also wait for the head of a 5,000-long chain.
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

  it('reads a component once for all its entries, where every policy names twenty others', () => {
    // One component of 400 policies, each naming 20 others at random: 8,000 entries on cycles. A
    // search per entry that reads the graph again read it 5.8 million times (entries), and at
    // 5,000 such policies lint spent 27 of its 36 s there.
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const graph = new Counting();
    const n = 400;
    for (let i = 0; i < n; i++) {
      const names = new Set<string>();
      while (names.size < 20) {
        const j = Math.floor(random() * n);
        if (j !== i) names.add(`p${j}`);
      }
      graph.set(`p${i}`, [...names]);
    }
    const [component] = cyclicComponents(new Map(graph));
    assert.equal(component.length, n);
    const members = new Set(component);
    graph.reads = graph.entriesRead = 0;
    let crumbs = 0;
    for (const from of component)
      for (const to of Map.prototype.get.call(graph, from) as string[]) {
        const b = cycleThroughEdge(graph, from, to, members)!;
        assert.deepEqual(b.head.slice(0, 2), [from, to]);
        crumbs++;
      }
    assert.equal(crumbs, n * 20);
    // Numbered once, checked for a ring once, two ways back once: each list read at most 4 times.
    assert.ok(graph.reads <= 4 * n, `${graph.reads} lists read`);
    assert.ok(graph.entriesRead <= 4 * n * 20, `${graph.entriesRead} entries read`);
  });

  it('gives up the shortest way back after reading as many entries as it may, not names', () => {
    // `to` names 300 policies; only the last of them names `from`. The way back is found
    // after reading `to`'s 300 entries and the first entry of each of the 300: 600 in all.
    const graph = new Map<string, string[]>();
    const xs = Array.from({ length: 300 }, (_, i) => `x${i}`);
    graph.set('to', xs);
    for (const x of xs) graph.set(x, ['to']);
    graph.set('x299', ['from']);
    graph.set('from', ['to']);
    const c = numbered(graph, new Set(graph.keys()));
    assert.equal(shortestWayBack(c, 'from', 'to', { entries: 599, steps: 32 }), undefined);
    assert.deepEqual(shortestWayBack(c, 'from', 'to', { entries: 600, steps: 32 }), [
      'from',
      'to',
      'x299',
      'from',
    ]);
    // The same search, again on the same numbering (each search marks what it reached anew).
    assert.deepEqual(shortestWayBack(c, 'from', 'to', { entries: Infinity, steps: Infinity }), [
      'from',
      'to',
      'x299',
      'from',
    ]);
    assert.equal(shortestWayBack(c, 'from', 'to', { entries: Infinity, steps: 1 }), undefined);
  });
});

describe('the links of a long cycle', () => {
  const text = (i: number, n: number, lead = '') =>
    `${lead}name: p${i}\npolicyType: cost_limit\nruleDefinition: {}\nprerequisites:\n  - p${(i + 1) % n}\n`;
  const ring = (n: number) => {
    const index = new ChainIndex();
    for (let i = 0; i < n; i++) index.set(chainPolicyFromText(`file:///p${i}.yaml`, text(i, n))!);
    return index;
  };

  it('looks each hop up once per version, however many findings link it', () => {
    // Every hop of a cycle is linked from the findings of the twelve policies before it: in a
    // cycle through 5,000 policies each was resolved and placed twelve times.
    const n = 300;
    const index = ring(n);
    let resolved = 0;
    const resolutions = index.resolutions.bind(index);
    index.resolutions = (p) => (resolved++, resolutions(p));
    const findings = chainFindings(index);
    assert.equal(findings.size, n);
    const links = [...findings.values()].flat().reduce((sum, f) => sum + (f.related?.length ?? 0), 0);
    assert.equal(links, 12 * n);
    // Each policy is resolved for the graph, for its own entries (twice) and once as a hop of the
    // others: 4 per policy, where looking each hop up again for each link made it 15.
    assert.ok(resolved <= 4 * n, `${resolved} resolutions for ${links} links`);
  });

  it('links a hop where it is now after its file moved without a fact changing', () => {
    const n = 20;
    const index = ring(n);
    const before = chainFindings(index).get('file:///p4.yaml')![0]!;
    const hop = (f: typeof before) => f.related!.find((r) => r.message === 'p5 → p6')!;
    assert.equal(hop(before).uri, 'file:///p5.yaml');
    // A comment above p5's facts: same version of the index, p5's entry two lines further down.
    const lead = '# moved\n# again\n';
    assert.ok(index.swapSameFacts(chainPolicyFromText('file:///p5.yaml', text(5, n, lead))!));
    const after = chainFindings(index).get('file:///p4.yaml')![0]!;
    assert.equal(hop(after).span.start, hop(before).span.start + lead.length);
  });
});

describe('the cheap paths give the answers of the plain ones', () => {
  /** A deterministic pseudo-random sequence (the cases must be the same on every run). */
  const random = (seed: number) => () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

  it('the cyclic components are the sets of mutually reachable names, found in graph order', () => {
    for (let round = 0; round < 40; round++) {
      const next = random(round + 1);
      const size = 2 + Math.floor(next() * 30);
      const graph = new Map<string, string[]>();
      for (let i = 0; i < size; i++)
        graph.set(
          `n${i}`,
          Array.from({ length: Math.floor(next() * 4) }, () => `n${Math.floor(next() * (size + 3))}`),
        );
      const reach = (from: string): Set<string> => {
        const seen = new Set<string>();
        const queue = [from];
        while (queue.length)
          for (const n of graph.get(queue.pop()!) ?? [])
            if (graph.has(n) && !seen.has(n)) {
              seen.add(n);
              queue.push(n);
            }
        return seen;
      };
      const reached = new Map([...graph.keys()].map((n) => [n, reach(n)]));
      const expected = new Set<string>();
      for (const a of graph.keys()) {
        const members = [...graph.keys()].filter(
          (b) => a !== b && reached.get(a)!.has(b) && reached.get(b)!.has(a),
        );
        if (members.length) expected.add([a, ...members].sort().join(' '));
      }
      const found = cyclicComponents(graph);
      assert.deepEqual(new Set(found.map((c) => [...c].sort().join(' '))), expected, `round ${round}`);
      assert.equal(found.length, expected.size, `round ${round}: a component twice`);
    }
  });

  it('the references of a name, asked before and after edits, are those the files name', () => {
    const index = new ChainIndex();
    const bundle = (name: string, prerequisites: string[]) =>
      chainPolicyFromText(
        `${name}.json`,
        JSON.stringify({ name, policyType: 'cost_limit', ruleDefinition: {}, prerequisites }),
      )!;
    index.set(bundle('a', ['x', 'y']));
    index.set(bundle('b', ['x']));
    const uris = (ref: string) => index.referencing(ref).map((p) => p.uri);
    assert.deepEqual(uris('x'), ['a.json', 'b.json']);
    // Kept current once built: a new file, an edit and a deletion.
    index.set(bundle('c', ['y']));
    index.set(bundle('a', ['z']));
    index.delete('b.json');
    assert.deepEqual([uris('x'), uris('y'), uris('z')], [[], ['c.json'], ['a.json']]);
  });

  it('a policy naming the same prerequisite many times has it once in the graph', () => {
    const index = new ChainIndex();
    const names = Array.from({ length: 12 }, (_, i) => `p${i}`);
    for (const name of names)
      index.set(
        chainPolicyFromText(
          `${name}.json`,
          JSON.stringify({ name, policyType: 'cost_limit', ruleDefinition: {}, prerequisites: [] }),
        )!,
      );
    const many = [...names, ...names.slice().reverse(), 'p3'];
    index.set(
      chainPolicyFromText(
        'top.json',
        JSON.stringify({ name: 'top', policyType: 'cost_limit', ruleDefinition: {}, prerequisites: many }),
      )!,
    );
    assert.deepEqual(index.graph().get('top'), names);
  });
});
