/**
 * The registry suite, run once per storage (pglite.test.ts, postgres.test.ts): the real server on a
 * loopback port, spoken to over HTTP. Transcript cases come from test/fixtures/registry/; the
 * database-level guarantees (append-only audit table, tamper detection: suite-audit.ts), concurrent
 * requests and a restart are tests here.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startRegistry, type Registry } from '../../registry/index';
import { bundle, call, type Json } from './api';
import type { Backend } from './backends';
import { policylens, spawnServe, stop } from './cli';
import { auditTable } from './suite-audit';
import { runSteps, type Step } from './transcript';

const FIXTURES = join(__dirname, '..', 'fixtures', 'registry');
const update = process.env.UPDATE_FIXTURES === '1';

/** What the suite's tests share: the storage and the in-process registry started on it. */
export interface SuiteContext {
  backend: Backend;
  registry: Registry;
}

export function registrySuite(makeBackend: () => Promise<Backend> | Backend): void {
  const ctx = {} as SuiteContext;

  before(async () => {
    ctx.backend = await makeBackend();
    ctx.registry = await startRegistry({ ...ctx.backend.storage, port: 0, log: () => undefined });
  });
  after(async () => {
    await ctx.registry?.close();
    await ctx.backend?.cleanup();
  });

  describe('transcripts', () => {
    const cases = readdirSync(FIXTURES).filter((c) => existsSync(join(FIXTURES, c, 'requests.json')));
    for (const name of cases) {
      it(name, async () => {
        const steps = JSON.parse(readFileSync(join(FIXTURES, name, 'requests.json'), 'utf8')) as Step[];
        // Each case is its own pair of orgs, so cases cannot see each other's policies.
        const main = await ctx.registry.createApiKey(`${name}`, 'user_123');
        const other = await ctx.registry.createApiKey(`${name}-other`);
        const outcomes = await runSteps(ctx.registry.url, { main: main.key, other: other.key }, steps);
        const file = join(FIXTURES, name, 'expected.json');
        if (update && ctx.backend.name === 'pglite') {
          writeFileSync(file, JSON.stringify(outcomes, null, 2) + '\n');
          return;
        }
        assert.ok(existsSync(file), `${file} is missing: run with UPDATE_FIXTURES=1 and review it`);
        assert.deepEqual(outcomes, JSON.parse(readFileSync(file, 'utf8')));
      });
    }
  });

  auditTable(ctx);

  describe('request paths', () => {
    it('a path that starts with // is a path, not a host (a field test)', async () => {
      const { key } = await ctx.registry.createApiKey('double-slash');
      const get = (path: string) =>
        new Promise<number>((resolve, reject) => {
          const u = new URL(ctx.registry.url);
          const req = httpRequest(
            { host: u.hostname, port: u.port, path, headers: { 'X-API-Key': key } },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          );
          req.on('error', reject);
          req.end();
        });
      // Resolved as a URL, `//evil.example/api/v1/…` read as /api/v1/… of the host evil.example.
      assert.equal(await get('//evil.example/api/v1/health'), 404);
      assert.equal(await get('//evil.example/api/v1/policies'), 404);
      // A doubled slash before the API's own path is the same route.
      assert.equal(await get('//api/v1/health'), 200);
    });
  });

  describe('concurrent requests', () => {
    it('one name, one policy: parallel creates of the same name give one 201 and 409s', async () => {
      const { key } = await ctx.registry.createApiKey('race-name');
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          call(ctx.registry, key, 'POST', '/policies', bundle('same', { evaluationOrder: i })),
        ),
      );
      assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409]);
      assert.equal(
        (await call(ctx.registry, key, 'GET', '/policies')).body.meta &&
          (await call(ctx.registry, key, 'GET', '/policies')).body.data.length,
        1,
      );
    });

    it('one idempotency key, one policy: parallel retries all return the same policy', async () => {
      const { key } = await ctx.registry.createApiKey('race-idempotency');
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          fetch(`${ctx.registry.url}/api/v1/policies`, {
            method: 'POST',
            headers: { 'X-API-Key': key, 'Idempotency-Key': 'retry-me' },
            body: JSON.stringify(bundle('once')),
          }).then(async (r) => ({
            status: r.status,
            id: ((await r.json()) as { data: { id: string } }).data.id,
          })),
        ),
      );
      assert.deepEqual(new Set(results.map((r) => `${r.status} ${r.id}`)).size, 1);
      const history = await call(ctx.registry, key, 'GET', `/policies/${results[0]!.id}/history`);
      assert.equal(history.body.data.length, 1);
    });

    it('prerequisite edits racing each other cannot close a cycle together', async () => {
      const { key } = await ctx.registry.createApiKey('race-cycle');
      const a = (await call(ctx.registry, key, 'POST', '/policies', bundle('A'))).body.data;
      const b = (await call(ctx.registry, key, 'POST', '/policies', bundle('B'))).body.data;
      const [ab, ba] = await Promise.all([
        call(ctx.registry, key, 'PATCH', `/policies/${a.id}`, { prerequisites: [b.id] }),
        call(ctx.registry, key, 'PATCH', `/policies/${b.id}`, { prerequisites: [a.id] }),
      ]);
      assert.deepEqual([ab.status, ba.status].sort(), [200, 400]);
      const loser = ab.status === 400 ? ab : ba;
      assert.match(
        String(
          (loser.body.error as Json).fields && ((loser.body.error as Json).fields as Json).prerequisites,
        ),
        /^cycle: (A → B → A|B → A → B)$/,
      );
    });
  });

  describe('policylens serve', () => {
    it('keeps the data across a restart, and --create-key makes a working key', async () => {
      // The in-process server holds the storage (PGlite allows one process per data directory).
      await ctx.registry.close();
      const created = policylens([
        'serve',
        '--create-key',
        '--org',
        'restart',
        '--actor',
        'user_9',
        ...ctx.backend.flags,
      ]);
      let keyOut = '';
      created.stdout!.on('data', (d: Buffer) => (keyOut += d.toString()));
      assert.equal(await new Promise((r) => created.on('exit', r)), 0);
      const key = keyOut.trim();
      assert.match(key, /^plk_[\w-]{32}$/);

      const first = await spawnServe(ctx.backend.flags);
      if (ctx.backend.name === 'pglite') {
        // Two processes on one PGlite directory would corrupt it: the second one is refused.
        const second = policylens(['serve', '--create-key', '--org', 'restart', ...ctx.backend.flags]);
        let err = '';
        second.stderr!.on('data', (d: Buffer) => (err += d.toString()));
        assert.equal(await new Promise((r) => second.on('exit', r)), 1);
        assert.match(err, /is in use by process \d+/);
      }
      const post = await fetch(`${first.url}/api/v1/policies`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}` },
        body: JSON.stringify(bundle('survivor', { metadata: { owner: 'ops' } })),
      });
      assert.equal(post.status, 201);
      const policy = ((await post.json()) as { data: Json }).data;
      assert.equal(await stop(first.child), 0);

      const second = await spawnServe(ctx.backend.flags);
      try {
        const got = await fetch(`${second.url}/api/v1/policies/${policy.id}`, {
          headers: { 'X-API-Key': key },
        });
        assert.equal(got.status, 200);
        assert.deepEqual(((await got.json()) as { data: Json }).data, policy);
        const history = await fetch(`${second.url}/api/v1/policies/${policy.id}/history`, {
          headers: { 'X-API-Key': key },
        });
        const events = ((await history.json()) as { data: Json[] }).data;
        assert.deepEqual(
          events.map((e) => [e.eventType, e.actorId]),
          [['policy.created', 'user_9']],
        );
        const verify = await fetch(`${second.url}/api/v1/audit/verify`, { headers: { 'X-API-Key': key } });
        assert.equal(((await verify.json()) as { data: Json }).data.ok, true);
      } finally {
        assert.equal(await stop(second.child), 0);
      }
    });
  });
}
