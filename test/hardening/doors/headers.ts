/** What the headers get: a Host that is not ours (DNS rebinding), WWW-Authenticate and Allow. */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { it } from 'node:test';
import type { Reply } from '../support/registry';
import { as, call, counts, KEY, type Doors } from './context';

/** One request with exactly these headers (fetch will not send a Host of our choosing). */
function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/api/v1${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

export function headers(ctx: Doors): void {
  it('a Host header that is not an address, localhost or an allowed name: 403 on every route (DNS rebinding)', async () => {
    const port = new URL(ctx.s.url).port;
    for (const host of [
      `evil.example:${port}`,
      'evil.example',
      `127.0.0.1.evil.example:${port}`,
      `localhost.evil.example:${port}`,
      `EVIL.example.:${port}`,
    ]) {
      for (const [method, path] of [
        ['GET', '/health'],
        ['GET', '/policies'],
        ['GET', `/policies/${ctx.idA}`],
        ['DELETE', `/policies/${ctx.idA}`],
        ['GET', '/audit/verify'],
      ]) {
        const r = await raw(ctx.s.url, method!, path!, { Host: host, 'X-API-Key': KEY });
        counts.requests++;
        counts.refused++;
        assert.equal(r.status, 403, `${method} ${path} with Host ${host}: ${r.text.slice(0, 200)}`);
        assert.equal((JSON.parse(r.text) as Reply['json']).error?.code, 'FORBIDDEN');
      }
    }
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `[::1]:${port}`,
      `LOCALHOST:${port}`,
      '127.0.0.1',
    ]) {
      const r = await raw(ctx.s.url, 'GET', `/policies/${ctx.idA}`, { Host: host, 'X-API-Key': KEY });
      counts.requests++;
      assert.equal(r.status, 200, `Host ${host}: ${r.text.slice(0, 200)}`);
    }
    const a = await call(ctx.s.url, 'GET', `/policies/${ctx.idA}`, { headers: as(KEY) });
    assert.equal((a.json.data as { version: number }).version, 1, 'the refused DELETE changed nothing');
  });

  it('401 says how to authenticate (WWW-Authenticate), 405 says what is allowed (Allow)', async () => {
    const unauthorized = await raw(ctx.s.url, 'GET', '/policies', {});
    assert.equal(unauthorized.status, 401);
    assert.match(String(unauthorized.headers['www-authenticate']), /^Bearer realm="policylens"$/);
    for (const [method, path, allow] of [
      ['DELETE', '/policies', 'GET, POST'],
      ['PUT', '/policies', 'GET, POST'],
      ['POST', `/policies/${ctx.idA}`, 'GET, PUT, PATCH, DELETE'],
      ['POST', `/policies/${ctx.idA}/history`, 'GET'],
      ['POST', '/audit/verify', 'GET'],
    ]) {
      const r = await raw(ctx.s.url, method!, path!, { 'X-API-Key': KEY });
      counts.requests += 2;
      counts.refused += 2;
      assert.equal(r.status, 405, `${method} ${path}`);
      assert.equal(r.headers.allow, allow, `${method} ${path}`);
    }
  });
}
