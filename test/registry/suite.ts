/**
 * The registry suite, run once per storage (pglite.test.ts, postgres.test.ts): the real server on a
 * loopback port, spoken to over HTTP. Transcript cases come from test/fixtures/registry/; the
 * database-level guarantees (append-only audit table, tamper detection, restart) are tests here.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startRegistry, type Registry } from '../../registry/index';
import type { Backend } from './backends';
import { runSteps, type Step } from './transcript';

const FIXTURES = join(__dirname, '..', 'fixtures', 'registry');
const update = process.env.UPDATE_FIXTURES === '1';

interface Json {
  [k: string]: unknown;
}

async function call(
  registry: Registry,
  key: string | undefined,
  method: string,
  path: string,
  body?: unknown,
) {
  const res = await fetch(`${registry.url}/api/v1${path}`, {
    method,
    headers: { ...(key ? { 'X-API-Key': key } : {}), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json & { data: Json & Json[] } };
}

const bundle = (name: string, extra: Json = {}) => ({
  name,
  policyType: 'expression',
  enforcementMode: 'block',
  ruleDefinition: { expression: 'cost > 1.0' },
  ...extra,
});

/**
 * `policylens serve …` as a process: the built CLI when `npm test` has just built it, else the
 * sources under tsx (running this file alone).
 */
function policylens(args: string[]): ChildProcess {
  const cli =
    existsSync('dist/cli.js') && existsSync('dist/registry.js')
      ? ['dist/cli.js']
      : ['--import', 'tsx', 'server/src/cli/main.ts'];
  return spawn(process.execPath, [...cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Spawns `policylens serve` and waits for its "listening on" line. */
async function spawnServe(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = policylens(['serve', '--port', '0', ...args]);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) =>
      reject(new Error(`serve exited with ${code} before listening:\n${out}\n${err}`)),
    );
  });
  return { child, url };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

export function registrySuite(makeBackend: () => Promise<Backend> | Backend): void {
  let backend: Backend;
  let registry: Registry;

  before(async () => {
    backend = await makeBackend();
    registry = await startRegistry({ ...backend.storage, port: 0, log: () => undefined });
  });
  after(async () => {
    await registry?.close();
    await backend?.cleanup();
  });

  describe('transcripts', () => {
    const cases = readdirSync(FIXTURES).filter((c) => existsSync(join(FIXTURES, c, 'requests.json')));
    for (const name of cases) {
      it(name, async () => {
        const steps = JSON.parse(readFileSync(join(FIXTURES, name, 'requests.json'), 'utf8')) as Step[];
        // Each case is its own pair of orgs, so cases cannot see each other's policies.
        const main = await registry.createApiKey(`${name}`, 'user_123');
        const other = await registry.createApiKey(`${name}-other`);
        const outcomes = await runSteps(registry.url, { main: main.key, other: other.key }, steps);
        const file = join(FIXTURES, name, 'expected.json');
        if (update && backend.name === 'pglite') {
          writeFileSync(file, JSON.stringify(outcomes, null, 2) + '\n');
          return;
        }
        assert.ok(existsSync(file), `${file} is missing: run with UPDATE_FIXTURES=1 and review it`);
        assert.deepEqual(outcomes, JSON.parse(readFileSync(file, 'utf8')));
      });
    }
  });

  describe('the audit table', () => {
    const attempts = [
      'UPDATE audit_events SET actor_id = $$someone-else$$',
      'DELETE FROM audit_events',
      'TRUNCATE audit_events',
    ];

    it("is read-and-append-only for the application's role", async () => {
      assert.equal(registry.appRole, 'policylens_app');
      const { key } = await registry.createApiKey('app-role');
      assert.equal((await call(registry, key, 'POST', '/policies', bundle('p'))).status, 201);
      // registry.db runs as the role the requests run as.
      for (const sql of attempts) await assert.rejects(registry.db.query(sql), /permission denied/, sql);
      await assert.rejects(
        registry.db.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_rewrite'),
        /must be owner/,
      );
      const [row] = await registry.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events');
      assert.ok(row!.n >= 1, 'the role can read the log');
    });

    it('refuses UPDATE, DELETE and TRUNCATE even to its owner, also in a replica session', async () => {
      const { key } = await registry.createApiKey('append-only');
      assert.equal((await call(registry, key, 'POST', '/policies', bundle('p'))).status, 201);
      const asOwner = (sql: string, replica: boolean) =>
        registry.db.transaction(async (tx) => {
          // Back to the login user (the owner, here a superuser) for this transaction only.
          await tx.query('SET LOCAL ROLE NONE');
          // ENABLE ALWAYS: a session that silences ordinary triggers still meets these.
          if (replica) await tx.query('SET LOCAL session_replication_role = replica');
          await tx.query(sql);
        });
      for (const sql of attempts) {
        await assert.rejects(asOwner(sql, false), /append-only: (UPDATE|DELETE|TRUNCATE) refused/, sql);
        await assert.rejects(
          asOwner(sql, true),
          /append-only: (UPDATE|DELETE|TRUNCATE) refused/,
          `${sql} as replica`,
        );
      }
      const verify = await call(registry, key, 'GET', '/audit/verify');
      assert.deepEqual([verify.body.data.ok, verify.body.data.checked], [true, 1]);
    });

    it("numbers each org's events on their own: another org's writes leave no gap", async () => {
      const a = await registry.createApiKey('seq-a');
      const b = await registry.createApiKey('seq-b');
      const ids: Record<string, string> = {};
      // Interleaved: a, b, b, a, b, a.
      for (const [who, name] of [
        [a, 'a1'],
        [b, 'b1'],
        [b, 'b2'],
        [a, 'a2'],
        [b, 'b3'],
        [a, 'a3'],
      ] as const) {
        const r = await call(registry, who.key, 'POST', '/policies', bundle(name));
        assert.equal(r.status, 201);
        ids[name] = r.body.data.id as string;
      }
      const seqs = async (key: string, names: string[]) => {
        const out: number[] = [];
        for (const n of names)
          out.push(
            ...(await call(registry, key, 'GET', `/policies/${ids[n]}/history`)).body.data.map(
              (e) => e.seq as number,
            ),
          );
        return out;
      };
      assert.deepEqual(await seqs(a.key, ['a1', 'a2', 'a3']), [1, 2, 3]);
      assert.deepEqual(await seqs(b.key, ['b1', 'b2', 'b3']), [1, 2, 3]);
      for (const who of [a, b]) {
        const { data } = (await call(registry, who.key, 'GET', '/audit/verify')).body;
        assert.deepEqual([data.ok, data.checked, (data.head as Json).seq], [true, 3, 3]);
      }
    });

    it('verify reports an event edited with the triggers switched off', async () => {
      const { key, orgId } = await registry.createApiKey('tamper-edit');
      const a = await call(registry, key, 'POST', '/policies', bundle('a', { enforcementMode: 'log_only' }));
      await call(registry, key, 'PATCH', `/policies/${a.body.data.id}`, { enforcementMode: 'block' });
      await call(registry, key, 'POST', '/policies', bundle('b'));
      assert.equal((await call(registry, key, 'GET', '/audit/verify')).body.data.ok, true);

      // What an attacker with the owner's or a superuser's rights would do.
      const [target] = await registry.db.query<{ seq: string }>(
        `SELECT seq FROM audit_events WHERE org_id = $1 AND event_type = 'policy.updated'`,
        [orgId],
      );
      await registry.db.transaction(async (tx) => {
        await tx.query('SET LOCAL ROLE NONE');
        await tx.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_rewrite');
        await tx.query(
          `UPDATE audit_events SET diff = '{"enforcementMode":{"from":"log_only","to":"log_only"}}' WHERE org_id = $1 AND seq = $2`,
          [orgId, target!.seq],
        );
        await tx.query('ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_rewrite');
      });

      const { data } = (await call(registry, key, 'GET', '/audit/verify')).body;
      assert.equal(data.ok, false);
      assert.equal(data.checked, 1, 'the event before the edit still verifies');
      const broken = data.firstBroken as Json;
      assert.deepEqual(
        [broken.seq, broken.reason, broken.eventType],
        [Number(target!.seq), 'hash mismatch', 'policy.updated'],
      );
      // The history shows the forged diff, but verify says it is not what was written.
      const history = await call(registry, key, 'GET', `/policies/${a.body.data.id}/history`);
      assert.deepEqual(history.body.data[1]!.diff, { enforcementMode: { from: 'log_only', to: 'log_only' } });
    });

    it('verify reports an event removed with the triggers switched off', async () => {
      const { key, orgId } = await registry.createApiKey('tamper-delete');
      for (const n of ['a', 'b', 'c']) await call(registry, key, 'POST', '/policies', bundle(n));
      const rows = await registry.db.query<{ seq: string }>(
        'SELECT seq FROM audit_events WHERE org_id = $1 ORDER BY seq',
        [orgId],
      );
      await registry.db.transaction(async (tx) => {
        await tx.query('SET LOCAL ROLE NONE');
        await tx.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_rewrite');
        await tx.query('DELETE FROM audit_events WHERE org_id = $1 AND seq = $2', [orgId, rows[1]!.seq]);
        await tx.query('ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_rewrite');
      });
      const { data } = (await call(registry, key, 'GET', '/audit/verify')).body;
      const broken = data.firstBroken as Json;
      assert.deepEqual([data.ok, broken.seq, broken.reason], [false, Number(rows[2]!.seq), 'broken link']);
    });
  });

  describe('concurrent requests', () => {
    it('one name, one policy: parallel creates of the same name give one 201 and 409s', async () => {
      const { key } = await registry.createApiKey('race-name');
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          call(registry, key, 'POST', '/policies', bundle('same', { evaluationOrder: i })),
        ),
      );
      assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409]);
      assert.equal(
        (await call(registry, key, 'GET', '/policies')).body.meta &&
          (await call(registry, key, 'GET', '/policies')).body.data.length,
        1,
      );
    });

    it('one idempotency key, one policy: parallel retries all return the same policy', async () => {
      const { key } = await registry.createApiKey('race-idempotency');
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          fetch(`${registry.url}/api/v1/policies`, {
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
      const history = await call(registry, key, 'GET', `/policies/${results[0]!.id}/history`);
      assert.equal(history.body.data.length, 1);
    });

    it('prerequisite edits racing each other cannot close a cycle together', async () => {
      const { key } = await registry.createApiKey('race-cycle');
      const a = (await call(registry, key, 'POST', '/policies', bundle('A'))).body.data;
      const b = (await call(registry, key, 'POST', '/policies', bundle('B'))).body.data;
      const [ab, ba] = await Promise.all([
        call(registry, key, 'PATCH', `/policies/${a.id}`, { prerequisites: [b.id] }),
        call(registry, key, 'PATCH', `/policies/${b.id}`, { prerequisites: [a.id] }),
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
      await registry.close();
      const created = policylens([
        'serve',
        '--create-key',
        '--org',
        'restart',
        '--actor',
        'user_9',
        ...backend.flags,
      ]);
      let keyOut = '';
      created.stdout!.on('data', (d: Buffer) => (keyOut += d.toString()));
      assert.equal(await new Promise((r) => created.on('exit', r)), 0);
      const key = keyOut.trim();
      assert.match(key, /^plk_[\w-]{32}$/);

      const first = await spawnServe(backend.flags);
      if (backend.name === 'pglite') {
        // Two processes on one PGlite directory would corrupt it: the second one is refused.
        const second = policylens(['serve', '--create-key', '--org', 'restart', ...backend.flags]);
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

      const second = await spawnServe(backend.flags);
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
