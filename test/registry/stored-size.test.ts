// What one policy and one page of the list may weigh. The 1 MiB body limit did not bound what was
// stored: a body of `1e20`s is stored with each number written out (4.4 times the body), and 120
// such policies made every page of 500, and so every `policylens sync` of the org, fail with 500
// "Invalid string length". A stored policy is now bounded like a body (413), and a page of the
// list ends early past 64 MB of policies, the client reading on from what it got. On PGlite, over
// HTTP on loopback.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startRegistry, type Registry } from '../../registry/index';
import { bundle, call } from './api';
import { pgliteBackend, type Backend } from './backends';

let backend: Backend;
let registry: Registry;
let key = '';

before(async () => {
  backend = pgliteBackend();
  registry = await startRegistry({ ...backend.storage, port: 0, log: () => undefined });
  key = (await registry.createApiKey('stored-size', 'user_1')).key;
});
after(async () => {
  await registry?.close();
  await backend?.cleanup();
});

describe('stored sizes', () => {
  it('refuses a policy that would be stored larger than a body may be', async () => {
    // 600 KB of body, written by hand (JSON.stringify would write each number out), 2.5 MB stored.
    const body = JSON.stringify(bundle('expands', { metadata: { values: [] } })).replace(
      '"values":[]',
      `"values":[${Array.from({ length: 120_000 }, () => '1e20').join(',')}]`,
    );
    assert.ok(body.length < 1024 * 1024);
    const res = await fetch(`${registry.url}/api/v1/policies`, {
      method: 'POST',
      headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
      body,
    });
    const r = { status: res.status, body: (await res.json()) as unknown };
    assert.equal(r.status, 413, JSON.stringify(r.body).slice(0, 300));
    assert.match(JSON.stringify(r.body), /once stored/);
    const list = await call(registry, key, 'GET', '/policies');
    assert.equal((list.body.meta as { total: number }).total, 0);
  });

  it('ends a page of the list early past 64 MB, and paging by what came reads every policy', async () => {
    const N = 70;
    const blob = 'x'.repeat(1_000_000);
    for (let i = 0; i < N; i++) {
      const r = await call(registry, key, 'POST', '/policies', bundle(`big-${i}`, { metadata: { blob } }));
      assert.equal(r.status, 201);
    }
    const first = await call(registry, key, 'GET', '/policies?limit=500');
    assert.equal(first.status, 200);
    assert.ok(first.body.data.length < N, `${first.body.data.length} policies on the first page`);
    assert.equal((first.body.meta as { total: number }).total, N);
    // As policylens sync pages: from the count it has, until the total.
    const names: string[] = [];
    for (let page = 0; page < 10 && names.length < N; page++) {
      const r = await call(registry, key, 'GET', `/policies?limit=500&offset=${names.length}`);
      names.push(...r.body.data.map((p) => p.name as string));
    }
    assert.deepEqual(names.sort(), Array.from({ length: N }, (_, i) => `big-${i}`).sort());
  });
});
