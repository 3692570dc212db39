import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { pgliteBackend, postgresBackend, type Backend } from '../registry/backends';
import { report } from './support/invariants';
import { createKey, http, serve, type Reply, type Serve } from './support/registry';

// The registry's doors, knocked on through real HTTP against `policylens serve` on PGlite and on
// PostgreSQL: who gets in, what an oversized or malformed body gets, whether hostile strings are
// stored verbatim, and whether a key ever shows up in what the server prints.

const KEY = 'plk_hardening_seed_key_0123456789';
const counts = { requests: 0, refused: 0, serverErrors: 0 };

const bundle = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  policyType: 'expression',
  enforcementMode: 'block',
  ruleDefinition: { expression: 'cost > 1.0' },
  ...extra,
});

/** Strings an attacker types into a name or a value, hoping one reaches SQL unescaped. */
const SQLISH = [
  "Robert'); DROP TABLE policies;--",
  "' OR '1'='1",
  '" OR ""="',
  '$$; DELETE FROM audit_events; $$',
  "x'::jsonb || '{}",
  '\\x27 \\\\ %_ %25 %00',
  '1; SELECT pg_sleep(10)',
  '${jndi:ldap://127.0.0.1/a} {{7*7}} <script>alert(1)</script>',
];

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

/** The command lines of a process and of its children, as `ps` shows them to every user. */
function commandLines(pid: number): string[] {
  const lines = [readFileSync(`/proc/${pid}/cmdline`, 'utf8')];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid)
        lines.push(readFileSync(`/proc/${name}/cmdline`, 'utf8'));
    } catch {
      // Exited while we looked.
    }
  }
  return lines;
}

function doors(makeBackend: () => Backend | Promise<Backend>, label: string): void {
  describe(`registry doors on ${label}`, () => {
    let backend: Backend;
    let s: Serve;
    let otherKey: string;
    let idA: string;
    /** Every credential presented during the run: none may appear in the server's output. */
    const presented = new Set<string>([KEY]);

    const call = async (...args: Parameters<typeof http>) => {
      counts.requests++;
      const r = await http(...args);
      if (r.status >= 500) counts.serverErrors++;
      assert.ok(r.status < 500, `${args[1]} ${args[2]}: ${r.status} ${r.text.slice(0, 300)}`);
      return r;
    };
    const as = (key: string) => ({ 'X-API-Key': key });

    before(async () => {
      backend = await makeBackend();
      otherKey = createKey(backend.flags, 'other-org');
      presented.add(otherKey);
      // The key in the environment: a command line is readable by every user of the machine.
      s = await serve([...backend.flags, '--org', 'acme'], { POLICYLENS_SEED_KEY: KEY });
      const a = await call(s.url, 'POST', '/policies', { headers: as(KEY), body: bundle('acme-policy') });
      assert.equal(a.status, 201);
      idA = (a.json.data as { id: string }).id;
      const b = await call(s.url, 'POST', '/policies', {
        headers: as(otherKey),
        body: bundle('other-policy'),
      });
      assert.equal(b.status, 201);
    });

    after(async () => {
      await s?.stop();
      await backend?.cleanup();
    });

    /** Every authenticated route, aimed at acme's policy where a route takes an id. */
    const routes = (): [string, string, unknown?][] => [
      ['GET', '/whoami'],
      ['GET', '/policies'],
      ['POST', '/policies', bundle('intruder')],
      ['GET', `/policies/${idA}`],
      ['PUT', `/policies/${idA}`, bundle('acme-policy', { enforcementMode: 'monitor' })],
      ['PATCH', `/policies/${idA}`, { isActive: false }],
      ['DELETE', `/policies/${idA}`],
      ['GET', `/policies/${idA}/history`],
      ['GET', '/audit/verify'],
    ];

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
        for (const v of secrets(headers)) presented.add(v);
        for (const [method, path, body] of routes()) {
          const r = await call(s.url, method, path, { headers, body });
          counts.refused++;
          assert.equal(r.status, 401, `${method} ${path} with ${JSON.stringify(headers).slice(0, 80)}`);
          assert.equal(r.json.error?.code, 'UNAUTHORIZED');
          for (const v of secrets(headers))
            assert.ok(!r.text.includes(v), `${method} ${path}: the answer echoes the key`);
        }
      }
      assert.equal((await call(s.url, 'GET', '/health')).status, 200);
      const a = await call(s.url, 'GET', `/policies/${idA}`, { headers: as(KEY) });
      assert.equal((a.json.data as { version: number }).version, 1, 'refused requests changed nothing');
    });

    it("another org's key: 404 on every route of a policy it does not own, and nothing changes", async () => {
      for (const [method, path, body] of routes().filter(([, p]) => p.includes(idA))) {
        const r = await call(s.url, method, path, { headers: as(otherKey), body });
        counts.refused++;
        assert.equal(r.status, 404, `${method} ${path}`);
        assert.equal(r.json.error?.code, 'NOT_FOUND');
      }
      const list = await call(s.url, 'GET', '/policies?name=acme-policy', { headers: as(otherKey) });
      assert.deepEqual(list.json.data, []);
      const all = await call(s.url, 'GET', '/policies?limit=500', { headers: as(otherKey) });
      assert.ok((all.json.data as { id: string }[]).every((p) => p.id !== idA));
      const verify = await call(s.url, 'GET', '/audit/verify', { headers: as(otherKey) });
      assert.equal(
        (verify.json.data as { checked: number }).checked,
        1,
        "the other org's chain holds its own event",
      );
      const a = await call(s.url, 'GET', `/policies/${idA}`, { headers: as(KEY) });
      assert.deepEqual(
        [(a.json.data as { version: number }).version, (a.json.data as { isActive: boolean }).isActive],
        [1, true],
      );
    });

    it('oversized bodies: 413 on every write route, with and without Content-Length', async () => {
      const big = JSON.stringify(bundle('big', { metadata: { pad: 'x'.repeat(1024 * 1024) } }));
      for (const [method, path] of [
        ['POST', '/policies'],
        ['PUT', `/policies/${idA}`],
        ['PATCH', `/policies/${idA}`],
      ]) {
        const r = await call(s.url, method, path, { headers: as(KEY), body: big });
        counts.refused++;
        assert.equal(r.status, 413, `${method} ${path}`);
        assert.equal(r.json.error?.code, 'PAYLOAD_TOO_LARGE');
        // Chunked: the server cannot know the size up front and must stop reading at the limit.
        const chunked = await fetch(`${s.url}/api/v1${path}`, {
          method,
          headers: { ...as(KEY), 'Content-Type': 'application/json' },
          body: new Blob([big]).stream(),
          duplex: 'half',
        } as RequestInit);
        counts.requests++;
        counts.refused++;
        assert.equal(chunked.status, 413, `${method} ${path} chunked`);
        await chunked.body?.cancel();
      }
      assert.equal((await call(s.url, 'GET', '/health')).status, 200);
    });

    it('malformed bodies: 400 on every write route, never a 500', async () => {
      const bodies: [string, string | Uint8Array, string][] = [
        ['truncated', '{"name": "x", ', 'INVALID_JSON'],
        ['a bare word', 'nul', 'INVALID_JSON'],
        ['an array', '[1, 2]', 'INVALID_JSON'],
        ['a string', '"text"', 'INVALID_JSON'],
        ['a number', '42', 'INVALID_JSON'],
        ['null', 'null', 'INVALID_JSON'],
        ['YAML instead of JSON', 'name: x\npolicyType: expression\n', 'INVALID_JSON'],
        [
          'invalid UTF-8',
          new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
          'INVALID_JSON',
        ],
        [
          'nesting 10,000 levels deep',
          JSON.stringify(bundle('deep')).replace(
            /}$/,
            `,"metadata":{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`,
          ),
          'VALIDATION_ERROR',
        ],
        ['a NUL character', JSON.stringify(bundle('nul\u0000name')), 'VALIDATION_ERROR'],
      ];
      for (const [name, body, code] of bodies)
        for (const [method, path] of [
          ['POST', '/policies'],
          ['PUT', `/policies/${idA}`],
          ['PATCH', `/policies/${idA}`],
        ]) {
          const r = await call(s.url, method, path, { headers: as(KEY), body });
          counts.refused++;
          assert.equal(r.status, 400, `${name}: ${method} ${path} → ${r.status} ${r.text.slice(0, 200)}`);
          assert.equal(r.json.error?.code, code, `${name}: ${method} ${path}`);
        }
      const a = await call(s.url, 'GET', `/policies/${idA}`, { headers: as(KEY) });
      assert.equal((a.json.data as { version: number }).version, 1, 'refused writes changed nothing');
    });

    it("a lone surrogate escape in any field: 400 with the field's path, never a 500 or U+FFFD", async () => {
      // Raw JSON text: JSON.stringify would write the same escapes, but the bodies are data here.
      const cases: [string, string][] = [
        [
          'name',
          `{"name": "lone-\\ud800", "policyType": "expression", "enforcementMode": "block", "ruleDefinition": {"expression": "true"}}`,
        ],
        [
          'metadata.owner',
          `{"name": "m", "policyType": "expression", "enforcementMode": "block", "ruleDefinition": {"expression": "true"}, "metadata": {"owner": "\\udfff"}}`,
        ],
        [
          'metadata.k\\udc00',
          `{"name": "k", "policyType": "expression", "enforcementMode": "block", "ruleDefinition": {"expression": "true"}, "metadata": {"k\\udc00": 1}}`,
        ],
        [
          'appliesToAgents[1]',
          `{"name": "a", "policyType": "expression", "enforcementMode": "block", "ruleDefinition": {"expression": "true"}, "appliesToAgents": ["ok", "x\\uD83D"]}`,
        ],
        [
          'ruleDefinition.expression',
          `{"name": "r", "policyType": "expression", "enforcementMode": "block", "ruleDefinition": {"expression": "\\ud800 == 1"}}`,
        ],
      ];
      for (const [path, body] of cases)
        for (const [method, route] of [
          ['POST', '/policies'],
          ['PUT', `/policies/${idA}`],
          ['PATCH', `/policies/${idA}`],
        ]) {
          const r = await call(s.url, method, route, { headers: as(KEY), body });
          counts.refused++;
          assert.equal(r.status, 400, `${path}: ${method} ${route} → ${r.status} ${r.text.slice(0, 200)}`);
          assert.equal(r.json.error?.code, 'VALIDATION_ERROR');
          assert.deepEqual(Object.keys(r.json.error?.fields ?? {}), [path], `${method} ${route}`);
          assert.ok(!/\bat \S+ \(/.test(r.text), 'no stack trace in the answer');
        }
      // Two names that differ only in their lone surrogate must not become one stored name.
      for (const name of ['twin-\\ud800', 'twin-\\udbff']) {
        const r = await call(s.url, 'POST', '/policies', {
          headers: as(KEY),
          body: `{"name": "${name}", "policyType": "expression", "enforcementMode": "block", "ruleDefinition": {"expression": "true"}}`,
        });
        assert.equal(r.status, 400, `${name}: ${r.text.slice(0, 200)}`);
      }
      // A whole pair is a character like any other.
      const pair = await call(s.url, 'POST', '/policies', {
        headers: as(KEY),
        body: bundle('pair-\ud83d\ude00'),
      });
      assert.equal(pair.status, 201);
      assert.equal((pair.json.data as { name: string }).name, 'pair-😀');
      const a = await call(s.url, 'GET', `/policies/${idA}`, { headers: as(KEY) });
      assert.equal((a.json.data as { version: number }).version, 1, 'refused writes changed nothing');
    });

    it('SQL-looking strings are stored and found verbatim', async () => {
      for (const [i, text] of SQLISH.entries()) {
        const created = await call(s.url, 'POST', '/policies', {
          headers: as(KEY),
          body: bundle(text, { metadata: { [text]: text, owner: text }, appliesToAgents: [text] }),
        });
        assert.equal(created.status, 201, text);
        const id = (created.json.data as { id: string }).id;
        const got = (await call(s.url, 'GET', `/policies/${id}`, { headers: as(KEY) })).json.data as Record<
          string,
          unknown
        >;
        assert.deepEqual(
          [got.name, got.metadata, got.appliesToAgents],
          [text, { [text]: text, owner: text }, [text]],
          `case ${i}`,
        );
        const found = await call(s.url, 'GET', `/policies?name=${encodeURIComponent(text)}`, {
          headers: as(KEY),
        });
        assert.deepEqual(
          (found.json.data as { id: string }[]).map((p) => p.id),
          [id],
          `list by name, case ${i}`,
        );
      }
      for (const query of ["policyType=x'%20OR%201=1", 'isActive=true;DROP', "name='%20OR%20'x'='x"]) {
        const r = await call(s.url, 'GET', `/policies?${query}`, { headers: as(KEY) });
        assert.ok(r.status === 200 || r.status === 400, query);
        if (r.status === 200) assert.deepEqual(r.json.data, [], query);
      }
      const verify = await call(s.url, 'GET', '/audit/verify', { headers: as(KEY) });
      assert.equal((verify.json.data as { ok: boolean }).ok, true);
    });

    it('a Host header that is not an address, localhost or an allowed name: 403 on every route (DNS rebinding)', async () => {
      const port = new URL(s.url).port;
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
          ['GET', `/policies/${idA}`],
          ['DELETE', `/policies/${idA}`],
          ['GET', '/audit/verify'],
        ]) {
          const r = await raw(s.url, method!, path!, { Host: host, 'X-API-Key': KEY });
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
        const r = await raw(s.url, 'GET', `/policies/${idA}`, { Host: host, 'X-API-Key': KEY });
        counts.requests++;
        assert.equal(r.status, 200, `Host ${host}: ${r.text.slice(0, 200)}`);
      }
      const a = await call(s.url, 'GET', `/policies/${idA}`, { headers: as(KEY) });
      assert.equal((a.json.data as { version: number }).version, 1, 'the refused DELETE changed nothing');
    });

    it('401 says how to authenticate (WWW-Authenticate), 405 says what is allowed (Allow)', async () => {
      const unauthorized = await raw(s.url, 'GET', '/policies', {});
      assert.equal(unauthorized.status, 401);
      assert.match(String(unauthorized.headers['www-authenticate']), /^Bearer realm="policylens"$/);
      for (const [method, path, allow] of [
        ['DELETE', '/policies', 'GET, POST'],
        ['PUT', '/policies', 'GET, POST'],
        ['POST', `/policies/${idA}`, 'GET, PUT, PATCH, DELETE'],
        ['POST', `/policies/${idA}/history`, 'GET'],
        ['POST', '/audit/verify', 'GET'],
      ]) {
        const r = await raw(s.url, method!, path!, { 'X-API-Key': KEY });
        counts.requests += 2;
        counts.refused += 2;
        assert.equal(r.status, 405, `${method} ${path}`);
        assert.equal(r.headers.allow, allow, `${method} ${path}`);
      }
    });

    it('the seed key came from the environment: no command line of the server shows it', () => {
      const lines = commandLines(s.child.pid!);
      assert.ok(lines.length >= 2, 'the CLI and its registry process');
      for (const line of lines) assert.ok(!line.includes(KEY), `a command line shows the key: ${line}`);
    });

    it('no key ever appears in what the server prints, and no request failed with a 5xx', async () => {
      // Each `call` asserted status < 500; the log lines the server writes for 5xx are checked too.
      const out = s.output();
      for (const k of presented) assert.ok(!out.includes(k), `the server printed a key: ${k.slice(0, 12)}…`);
      assert.ok(!/failed:/.test(out), `the server logged a failed request:\n${out.slice(0, 2000)}`);
    });

    if (label === 'PostgreSQL')
      it("the application's database role cannot rewrite the audit table", async () => {
        const url = (backend.storage as { databaseUrl: string }).databaseUrl;
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          const attempts = [
            'UPDATE audit_events SET actor_id = $$forged$$',
            'DELETE FROM audit_events',
            'TRUNCATE audit_events',
            'ALTER TABLE audit_events DISABLE TRIGGER ALL',
            'DROP TABLE audit_events',
          ];
          for (const sql of attempts) {
            await client.query('BEGIN');
            await client.query('SET LOCAL ROLE policylens_app');
            await assert.rejects(client.query(sql), /permission denied|must be owner/, sql);
            await client.query('ROLLBACK');
            counts.refused++;
          }
        } finally {
          await client.end();
        }
        for (const key of [KEY, otherKey]) {
          const verify = await call(s.url, 'GET', '/audit/verify', { headers: as(key) });
          assert.equal((verify.json.data as { ok: boolean }).ok, true);
        }
      });

    if (label === 'PostgreSQL')
      it('a request that fails is logged by its path, never with its query string', async () => {
        // The one way to make a well-formed request fail from outside: the table goes away.
        const client = new pg.Client({
          connectionString: (backend.storage as { databaseUrl: string }).databaseUrl,
        });
        await client.connect();
        const secret = 'plk_in_a_query_string_0123456789';
        let status: number;
        try {
          await client.query('ALTER TABLE policies RENAME TO policies_away');
          status = (await http(s.url, 'GET', `/policies?name=${secret}&limit=5`, { headers: as(KEY) }))
            .status;
        } finally {
          await client.query('ALTER TABLE policies_away RENAME TO policies');
          await client.end();
        }
        assert.equal(status, 500);
        const out = s.output();
        assert.match(out, /registry: GET \/api\/v1\/policies failed/);
        assert.ok(!out.includes(secret), 'the log shows the query string');
        assert.ok(!out.includes('limit=5'), 'the log shows the query string');
      });
  });
}

doors(pgliteBackend, 'PGlite');
doors(postgresBackend, 'PostgreSQL');

after(() =>
  report(
    `${counts.requests} requests at the registry's doors, ${counts.refused} refused as they should be (each asserted), ${counts.serverErrors} server errors`,
  ),
);
