/** What a body gets: oversized, malformed, lone surrogates, SQL-looking strings (stored verbatim). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { as, bundle, call, counts, KEY, type Doors } from './context';

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

export function bodies(ctx: Doors): void {
  it('oversized bodies: 413 on every write route, with and without Content-Length', async () => {
    const big = JSON.stringify(bundle('big', { metadata: { pad: 'x'.repeat(1024 * 1024) } }));
    for (const [method, path] of [
      ['POST', '/policies'],
      ['PUT', `/policies/${ctx.idA}`],
      ['PATCH', `/policies/${ctx.idA}`],
    ]) {
      const r = await call(ctx.s.url, method, path, { headers: as(KEY), body: big });
      counts.refused++;
      assert.equal(r.status, 413, `${method} ${path}`);
      assert.equal(r.json.error?.code, 'PAYLOAD_TOO_LARGE');
      // Chunked: the server cannot know the size up front and must stop reading at the limit.
      const chunked = await fetch(`${ctx.s.url}/api/v1${path}`, {
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
    assert.equal((await call(ctx.s.url, 'GET', '/health')).status, 200);
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
        ['PUT', `/policies/${ctx.idA}`],
        ['PATCH', `/policies/${ctx.idA}`],
      ]) {
        const r = await call(ctx.s.url, method, path, { headers: as(KEY), body });
        counts.refused++;
        assert.equal(r.status, 400, `${name}: ${method} ${path} → ${r.status} ${r.text.slice(0, 200)}`);
        assert.equal(r.json.error?.code, code, `${name}: ${method} ${path}`);
      }
    const a = await call(ctx.s.url, 'GET', `/policies/${ctx.idA}`, { headers: as(KEY) });
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
        ['PUT', `/policies/${ctx.idA}`],
        ['PATCH', `/policies/${ctx.idA}`],
      ]) {
        const r = await call(ctx.s.url, method, route, { headers: as(KEY), body });
        counts.refused++;
        assert.equal(r.status, 400, `${path}: ${method} ${route} → ${r.status} ${r.text.slice(0, 200)}`);
        assert.equal(r.json.error?.code, 'VALIDATION_ERROR');
        assert.deepEqual(Object.keys(r.json.error?.fields ?? {}), [path], `${method} ${route}`);
        assert.ok(!/\bat \S+ \(/.test(r.text), 'no stack trace in the answer');
      }
    // Two names that differ only in their lone surrogate must not become one stored name.
    for (const name of ['twin-\\ud800', 'twin-\\udbff']) {
      const r = await call(ctx.s.url, 'POST', '/policies', {
        headers: as(KEY),
        body: `{"name": "${name}", "policyType": "expression", "enforcementMode": "block", "ruleDefinition": {"expression": "true"}}`,
      });
      assert.equal(r.status, 400, `${name}: ${r.text.slice(0, 200)}`);
    }
    // A whole pair is a character like any other.
    const pair = await call(ctx.s.url, 'POST', '/policies', {
      headers: as(KEY),
      body: bundle('pair-\ud83d\ude00'),
    });
    assert.equal(pair.status, 201);
    assert.equal((pair.json.data as { name: string }).name, 'pair-😀');
    const a = await call(ctx.s.url, 'GET', `/policies/${ctx.idA}`, { headers: as(KEY) });
    assert.equal((a.json.data as { version: number }).version, 1, 'refused writes changed nothing');
  });

  it('SQL-looking strings are stored and found verbatim', async () => {
    for (const [i, text] of SQLISH.entries()) {
      const created = await call(ctx.s.url, 'POST', '/policies', {
        headers: as(KEY),
        body: bundle(text, { metadata: { [text]: text, owner: text }, appliesToAgents: [text] }),
      });
      assert.equal(created.status, 201, text);
      const id = (created.json.data as { id: string }).id;
      const got = (await call(ctx.s.url, 'GET', `/policies/${id}`, { headers: as(KEY) })).json.data as Record<
        string,
        unknown
      >;
      assert.deepEqual(
        [got.name, got.metadata, got.appliesToAgents],
        [text, { [text]: text, owner: text }, [text]],
        `case ${i}`,
      );
      const found = await call(ctx.s.url, 'GET', `/policies?name=${encodeURIComponent(text)}`, {
        headers: as(KEY),
      });
      assert.deepEqual(
        (found.json.data as { id: string }[]).map((p) => p.id),
        [id],
        `list by name, case ${i}`,
      );
    }
    for (const query of ["policyType=x'%20OR%201=1", 'isActive=true;DROP', "name='%20OR%20'x'='x"]) {
      const r = await call(ctx.s.url, 'GET', `/policies?${query}`, { headers: as(KEY) });
      assert.ok(r.status === 200 || r.status === 400, query);
      if (r.status === 200) assert.deepEqual(r.json.data, [], query);
    }
    const verify = await call(ctx.s.url, 'GET', '/audit/verify', { headers: as(KEY) });
    assert.equal((verify.json.data as { ok: boolean }).ok, true);
  });
}
