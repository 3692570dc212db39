/** Who gets in: no key, a wrong key, a hash of the key, another org's key. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { it } from 'node:test';
import { as, call, counts, KEY, routes, type Doors } from './context';

export function keys(ctx: Doors): void {
  it('no key or a wrong key: 401 on every route but health, and the key is not echoed', async () => {
    const wrong: Record<string, string>[] = [
      {},
      { 'X-API-Key': '' },
      { 'X-API-Key': 'plk_wrong_key_000000000000000000' },
      { 'X-API-Key': KEY.slice(0, 8) },
      { 'X-API-Key': KEY + 'x' },
      { 'X-API-Key': KEY.toUpperCase() },
      // A leaked database holds hashes: a hash must not work as a key.
      { 'X-API-Key': createHash('sha256').update(KEY).digest('hex') },
      { 'X-API-Key': 'x'.repeat(8000) },
      { Authorization: 'Bearer ' },
      { Authorization: `Basic ${Buffer.from(`user:${KEY}`).toString('base64')}` },
      { Authorization: 'Bearer plk_wrong_key_000000000000000000' },
    ];
    // The secret part of each header (after the scheme), where there is one worth looking for.
    const secrets = (h: Record<string, string>) =>
      Object.values(h)
        .map((v) => v.replace(/^(Bearer|Basic) /, ''))
        .filter((v) => v.length >= 8);
    for (const headers of wrong) {
      for (const v of secrets(headers)) ctx.presented.add(v);
      for (const [method, path, body] of routes(ctx.idA)) {
        const r = await call(ctx.s.url, method, path, { headers, body });
        counts.refused++;
        assert.equal(r.status, 401, `${method} ${path} with ${JSON.stringify(headers).slice(0, 80)}`);
        assert.equal(r.json.error?.code, 'UNAUTHORIZED');
        for (const v of secrets(headers))
          assert.ok(!r.text.includes(v), `${method} ${path}: the answer echoes the key`);
      }
    }
    assert.equal((await call(ctx.s.url, 'GET', '/health')).status, 200);
    const a = await call(ctx.s.url, 'GET', `/policies/${ctx.idA}`, { headers: as(KEY) });
    assert.equal((a.json.data as { version: number }).version, 1, 'refused requests changed nothing');
  });

  it("another org's key: 404 on every route of a policy it does not own, and nothing changes", async () => {
    for (const [method, path, body] of routes(ctx.idA).filter(([, p]) => p.includes(ctx.idA))) {
      const r = await call(ctx.s.url, method, path, { headers: as(ctx.otherKey), body });
      counts.refused++;
      assert.equal(r.status, 404, `${method} ${path}`);
      assert.equal(r.json.error?.code, 'NOT_FOUND');
    }
    const list = await call(ctx.s.url, 'GET', '/policies?name=acme-policy', { headers: as(ctx.otherKey) });
    assert.deepEqual(list.json.data, []);
    const all = await call(ctx.s.url, 'GET', '/policies?limit=500', { headers: as(ctx.otherKey) });
    assert.ok((all.json.data as { id: string }[]).every((p) => p.id !== ctx.idA));
    const verify = await call(ctx.s.url, 'GET', '/audit/verify', { headers: as(ctx.otherKey) });
    assert.equal(
      (verify.json.data as { checked: number }).checked,
      1,
      "the other org's chain holds its own event",
    );
    const a = await call(ctx.s.url, 'GET', `/policies/${ctx.idA}`, { headers: as(KEY) });
    assert.deepEqual(
      [(a.json.data as { version: number }).version, (a.json.data as { isActive: boolean }).isActive],
      [1, true],
    );
  });
}
