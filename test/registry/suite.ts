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
import pg from 'pg';
import { startRegistry, type Registry } from '../../registry/index';
import type { Backend } from './backends';
import { runSteps, type Step } from './transcript';

const FIXTURES = join(__dirname, '..', 'fixtures', 'registry');
const update = process.env.UPDATE_FIXTURES === '1';

interface Json {
  [k: string]: unknown;
}

/** One request to the registry's API, with the key when given; the status and the parsed body. */
export async function call(
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
function policylens(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const cli =
    existsSync('dist/cli.js') && existsSync('dist/registry.js')
      ? ['dist/cli.js']
      : ['--import', 'tsx', 'server/src/cli/main.ts'];
  return spawn(process.execPath, [...cli, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
}

type Q = (sql: string, params?: unknown[]) => Promise<unknown>;

/**
 * Runs `fn` in one transaction as the tables' owner: what an attacker with the owner's or a
 * superuser's rights could do. On PostgreSQL that is a connection of its own (the registry's
 * connections log in as the application role, which cannot switch back); PGlite has one user,
 * and the registry's connection can.
 */
async function asOwner(registry: Registry, backend: Backend, fn: (q: Q) => Promise<void>): Promise<void> {
  if (backend.name === 'pglite') {
    return registry.db.transaction(async (tx) => {
      await tx.query('SET LOCAL ROLE NONE');
      await fn((sql, params) => tx.query(sql, params));
    });
  }
  const client = new pg.Client({
    connectionString: (backend.storage as { databaseUrl: string }).databaseUrl,
  });
  await client.connect();
  try {
    await client.query('BEGIN');
    await fn((sql, params) => client.query(sql, params));
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    await client.end();
  }
}

/** Runs the CLI to its end: exit code and what it printed. */
async function policylensRun(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = policylens(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stdout, stderr };
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
      const owner = (sql: string, replica: boolean) =>
        asOwner(registry, backend, async (q) => {
          // ENABLE ALWAYS: a session that silences ordinary triggers still meets these.
          if (replica) await q('SET LOCAL session_replication_role = replica');
          await q(sql);
        });
      for (const sql of attempts) {
        await assert.rejects(owner(sql, false), /append-only: (UPDATE|DELETE|TRUNCATE) refused/, sql);
        await assert.rejects(
          owner(sql, true),
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

    it('verify compares each live policy with its last audited snapshot (a direct UPDATE, DELETE or INSERT)', async () => {
      const { key, orgId } = await registry.createApiKey('live-state');
      const ids: string[] = [];
      for (const n of ['kept', 'edited', 'removed']) {
        const r = await call(registry, key, 'POST', '/policies', bundle(n));
        ids.push(r.body.data.id as string);
      }
      await call(registry, key, 'PATCH', `/policies/${ids[1]}`, { enforcementMode: 'log_only' });
      let { data } = (await call(registry, key, 'GET', '/audit/verify')).body;
      assert.deepEqual([data.ok, data.live], [true, { checked: 3, mismatched: 0, mismatches: [] }]);

      // The application's own role may write `policies`: what someone with its rights could do
      // without going through the API (no audit event).
      await registry.db.query(`UPDATE policies SET enforcement_mode = 'monitor' WHERE id = $1`, [ids[1]]);
      await registry.db.query('DELETE FROM policies WHERE id = $1', [ids[2]]);
      await registry.db.query(
        `INSERT INTO policies (id, org_id, name, policy_type, enforcement_mode, rule_definition, created_at, updated_at)
         VALUES ('00000000-0000-4000-8000-000000000001', $1, 'smuggled', 'expression', 'block', '{"expression":"true"}', now(), now())`,
        [orgId],
      );
      ({ data } = (await call(registry, key, 'GET', '/audit/verify')).body);
      assert.equal(data.ok, false);
      assert.equal(data.firstBroken, null, 'the chain itself is intact');
      const reasons = (data.live as { mismatches: Json[] }).mismatches
        .map((m) => [m.policyId, m.reason])
        .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
      assert.deepEqual(
        reasons,
        [
          ['00000000-0000-4000-8000-000000000001', 'not in the audit log'],
          [ids[1], 'changed since its last audited event'],
          [ids[2], 'deleted without an audit event'],
        ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
      );
      const cli = await policylensRun(['history', '--verify', '--url', registry.url], {
        POLICYLENS_API_KEY: key,
      });
      assert.equal(cli.code, 1, cli.stdout + cli.stderr);
      assert.match(cli.stdout, /✗ 3 live policies are not what the audit log says/);
      assert.match(cli.stdout, /edited \([0-9a-f-]+\): changed since its last audited event/);
    });

    it('history --verify --expect-head: a kept head must stay in the chain (truncation is caught)', async () => {
      const { key, orgId } = await registry.createApiKey('anchor');
      const env = { POLICYLENS_API_KEY: key };
      await call(registry, key, 'POST', '/policies', bundle('one'));
      const first = await policylensRun(['history', '--verify', '--url', registry.url], env);
      assert.equal(first.code, 0, first.stdout + first.stderr);
      // The whole head hash is printed, for CI logs to publish.
      const h1 = /head seq 1, hash ([0-9a-f]{64})\)/.exec(first.stdout)?.[1];
      assert.ok(h1, first.stdout);
      await call(registry, key, 'POST', '/policies', bundle('two'));
      const h2 = ((await call(registry, key, 'GET', '/audit/verify')).body.data.head as Json).hash as string;

      // The chain grew: an older head is still in it.
      for (const h of [h1, h2]) {
        const r = await policylensRun(
          ['history', '--verify', '--expect-head', h, '--url', registry.url],
          env,
        );
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout, new RegExp(`✓ expected head ${h} is in the chain`));
      }
      const unknown = await policylensRun(
        ['history', '--verify', '--expect-head', 'f'.repeat(64), '--url', registry.url],
        env,
      );
      assert.equal(unknown.code, 1);
      assert.match(unknown.stdout, /is not in the intact chain/);

      // The tail cut off by someone with the owner's rights: the rest of the chain is intact, so
      // only a kept head shows the loss.
      await asOwner(registry, backend, async (q) => {
        await q('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_rewrite');
        await q('DELETE FROM audit_events WHERE org_id = $1 AND seq = 2', [orgId]);
        await q('ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_rewrite');
      });
      const { data } = (await call(registry, key, 'GET', `/audit/verify?expectHead=${h2}`)).body;
      assert.equal(data.firstBroken, null);
      assert.deepEqual(data.expectedHead, { hash: h2, found: false, seq: null });
      const cut = await policylensRun(
        ['history', '--verify', '--expect-head', h2, '--url', registry.url],
        env,
      );
      assert.equal(cut.code, 1, cut.stdout);
      const usage = await policylensRun(
        ['history', '--verify', '--expect-head', 'abc', '--url', registry.url],
        env,
      );
      assert.equal(usage.code, 2, usage.stderr);
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
      await asOwner(registry, backend, async (q) => {
        await q('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_rewrite');
        await q(
          `UPDATE audit_events SET diff = '{"enforcementMode":{"from":"log_only","to":"log_only"}}' WHERE org_id = $1 AND seq = $2`,
          [orgId, target!.seq],
        );
        await q('ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_rewrite');
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
      await asOwner(registry, backend, async (q) => {
        await q('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_rewrite');
        await q('DELETE FROM audit_events WHERE org_id = $1 AND seq = $2', [orgId, rows[1]!.seq]);
        await q('ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_rewrite');
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
