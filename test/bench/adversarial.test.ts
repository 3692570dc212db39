// The adversarial corpora are reproducible and have the shape their row claims: a corpus that
// quietly resolved its prerequisites would measure the easy case again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildAdversarial } from '../../bench/adversarial';
import { chainPolicyFromText, ChainIndex, cyclicComponents, looksLikeId } from '../../server/src/core/index';

function indexOf(kind: Parameters<typeof buildAdversarial>[0], n: number): ChainIndex {
  const { files, texts } = buildAdversarial(kind, n, 7);
  const index = new ChainIndex();
  files.forEach((f, i) => {
    const p = chainPolicyFromText(f.path, texts[i]!);
    if (p) index.set(p);
  });
  return index;
}

test('the same seed generates byte-identical corpora', () => {
  for (const kind of [
    'unresolved',
    'near-dup',
    'chain',
    'fan-in',
    'cycles',
    'ring',
    'dup-fan',
    'dense',
  ] as const)
    assert.deepEqual(buildAdversarial(kind, 200, 3).texts, buildAdversarial(kind, 200, 3).texts);
});

test('(a) every prerequisite is an id that names no bundle', () => {
  const index = indexOf('unresolved', 1000);
  const refs = index.all().flatMap((p) => p.prerequisites.map((r) => r.ref));
  assert.ok(refs.length >= 1000);
  assert.ok(refs.every((r) => !index.withName(r).length));
  assert.ok(refs.some((r) => looksLikeId(r)) && refs.some((r) => /^pol-\d{5}$/.test(r)));
});

test('(b) every bundle has a misspelt prerequisite near a name', () => {
  const index = indexOf('near-dup', 1000);
  let missing = 0;
  for (const p of index.all()) for (const r of index.resolutions(p)) if (r.status === 'missing') missing++;
  assert.ok(missing > 900, `missing: ${missing}`);
  assert.ok(index.names().every((n) => /^policy-\d{4}$/.test(n)));
});

test('(c) one chain through every bundle, (d) one prerequisite of all, (e) 500 cycles, (g) one ring', () => {
  const chain = indexOf('chain', 1000);
  assert.equal(chain.graph().size, 1000);
  assert.equal([...chain.graph().values()].filter((e) => e.length === 1).length, 999);
  const fanIn = indexOf('fan-in', 1000);
  const root = fanIn.all().find((p) => !p.prerequisites.length)!;
  assert.equal(fanIn.dependentsOf(root.name!).length, 999);
  for (const n of [1000, 5000]) assert.equal(cyclicComponents(indexOf('cycles', n).graph()).length, 500);
  const ring = cyclicComponents(indexOf('ring', 1000).graph());
  assert.deepEqual(
    ring.map((c) => c.length),
    [1000],
  );
});

test('(h) half the bundles share one name, the prerequisite of the other half', () => {
  const { files } = buildAdversarial('dup-fan', 1000, 7);
  assert.equal(new Set(files.map((f) => f.path)).size, 1000, 'a file for each bundle');
  const index = indexOf('dup-fan', 1000);
  assert.equal(index.countNamed('shared guard'), 500);
  assert.equal(index.dependentsOf('shared guard').length, 500);
});

test('(i) every bundle names 20 others, and nearly all are on one cycle', () => {
  const index = indexOf('dense', 1000);
  const graph = index.graph();
  assert.ok([...graph.values()].every((e) => e.length === 20));
  const components = cyclicComponents(graph);
  assert.equal(components.length, 1);
  assert.ok(components[0]!.length > 950, `${components[0]!.length} on the cycle`);
});
