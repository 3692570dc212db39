// The plan's fingerprint, and applyPlan against a fake of the live-org port (the port is the seam;
// the real HTTP client is tested against the registry in test/sync/).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  applyPlan,
  diffText,
  idempotencyKey,
  idempotencyKeyAfter,
  LiveOrgError,
  planSync,
  sha256Hex,
  type DesiredBundle,
  type LiveOrg,
  type LiveOrgPolicy,
} from '../../server/src/core/index';
import { isLoopbackHost, resolveLiveConfig, retryAfterMs } from '../../server/src/live/index';

const bundle = (name: string, extra: Record<string, unknown> = {}): DesiredBundle => ({
  name,
  file: `${name}.yaml`,
  value: {
    name,
    policyType: 'tool_call',
    enforcementMode: 'block',
    ruleDefinition: { tools: ['a'] },
    ...extra,
  },
});

const livePolicy = (
  id: string,
  name: string,
  version: number,
  extra: Record<string, unknown> = {},
): LiveOrgPolicy => ({
  id,
  name,
  version,
  policyType: 'tool_call',
  enforcementMode: 'block',
  ruleDefinition: { tools: ['a'] },
  ...extra,
});

/** An in-memory org that records calls; `fail` injects an error per call. */
function fakeOrg(
  initial: LiveOrgPolicy[],
  fail: (call: string, n: number) => LiveOrgError | undefined = () => undefined,
) {
  const policies = new Map(initial.map((p) => [p.id, { ...p }]));
  const calls: string[] = [];
  const replays = new Map<string, string>();
  let next = 1;
  const check = (call: string) => {
    calls.push(call);
    const err = fail(call, calls.filter((c) => c === call).length);
    if (err) throw err;
  };
  const org: LiveOrg = {
    label: 'fake',
    listPolicies: async () => [...policies.values()],
    getPolicy: async (id) => policies.get(id),
    async createPolicy(body, { idempotencyKey: key }) {
      check(`create ${String(body.name)}`);
      const earlier = replays.get(key);
      if (earlier)
        return { policy: policies.get(earlier) ?? { id: earlier, name: String(body.name) }, replayed: true };
      const p = { ...body, id: `id-${next++}`, name: String(body.name), version: 1 };
      policies.set(p.id, p);
      replays.set(key, p.id);
      return { policy: p, replayed: false };
    },
    async updatePolicy(id, body, { ifMatch }) {
      check(`update ${id}`);
      const p = policies.get(id)!;
      if (ifMatch !== undefined && p.version !== ifMatch)
        throw new LiveOrgError('precondition', 'changed', 412, p.version);
      const q = { ...body, id, name: String(body.name), version: (p.version ?? 0) + 1 };
      policies.set(id, q);
      return q;
    },
    async deletePolicy(id) {
      check(`delete ${id}`);
      policies.delete(id);
    },
    history: async () => [],
    verifyAudit: async () => ({ ok: true, checked: 0 }),
  };
  return { org, policies, calls, replays };
}

describe('plan fingerprint', () => {
  it('is SHA-256, pure TypeScript', () => {
    for (const s of ['', 'abc', 'héllo → ✓ 😀', 'x'.repeat(1000)])
      assert.equal(sha256Hex(s), createHash('sha256').update(s).digest('hex'));
  });

  it('depends on the desired contents and on the live versions, not on key order', () => {
    const live = [livePolicy('1', 'a', 3)];
    const base = planSync([bundle('a', { enforcementMode: 'log_only' })], live).fingerprint;
    const reordered: DesiredBundle = {
      name: 'a',
      file: 'a.yaml',
      value: {
        ruleDefinition: { tools: ['a'] },
        enforcementMode: 'log_only',
        policyType: 'tool_call',
        name: 'a',
      },
    };
    assert.equal(planSync([reordered], live).fingerprint, base);
    assert.notEqual(planSync([bundle('a')], live).fingerprint, base);
    assert.notEqual(
      planSync([bundle('a', { enforcementMode: 'log_only' })], [livePolicy('1', 'a', 4)]).fingerprint,
      base,
    );
    assert.notEqual(
      planSync([bundle('a', { enforcementMode: 'log_only' })], live, { prune: true }).fingerprint,
      base,
    );
  });
});

describe('cycles in the org as the plan leaves it', () => {
  it('a cycle of thousands of creates: each step names it, cut short, found once', () => {
    const n = 4000;
    const desired = Array.from({ length: n }, (_, i) =>
      bundle(`p${i}`, { prerequisites: [`p${(i + 1) % n}`] }),
    );
    const plan = planSync(desired, []);
    assert.equal(plan.steps.filter((s) => s.problems.length === 1).length, n);
    const p0 = plan.steps.find((s) => s.name === 'p0')!;
    assert.equal(
      p0.problems[0],
      `its prerequisites would form a cycle: p0 → p1 → p2 → p3 → … → p${n - 2} → p${n - 1} → p0 (${n} policies)`,
    );
  });
});

describe('diff documents', () => {
  it('render both sides in one canonical key order, so only real changes differ', () => {
    const bundleSide = {
      name: 'guard',
      policyType: 'pii_access',
      enforcementMode: 'block',
      ruleDefinition: { denied_pii_types: ['ssn'], mask_output: true, nested: { b: 1, a: [{ y: 1, x: 2 }] } },
      metadata: { owner: 'security', ticket: 'SEC-1' },
    };
    // As an API backed by JSONB returns it: every mapping reordered, server fields added.
    const liveSide = {
      id: 'p1',
      version: 3,
      metadata: { ticket: 'SEC-1', source: 'cli-sync', owner: 'security' },
      ruleDefinition: { nested: { a: [{ x: 2, y: 1 }], b: 1 }, mask_output: true, denied_pii_types: ['ssn'] },
      enforcementMode: 'log_only',
      policyType: 'pii_access',
      name: 'guard',
    };
    const same = (ref: string) => ref;
    const desired = diffText(bundleSide, 'guard', same);
    const live = diffText(liveSide, 'guard', same);
    assert.equal(live.replace('"log_only"', '"block"'), desired);
    // Lists keep their order: a reordered list is a change a reviewer must see.
    assert.notEqual(
      diffText({ ...bundleSide, ruleDefinition: { denied_pii_types: ['a', 'b'] } }, 'guard', same),
      diffText({ ...bundleSide, ruleDefinition: { denied_pii_types: ['b', 'a'] } }, 'guard', same),
    );
    assert.deepEqual(Object.keys(JSON.parse(desired) as object).slice(0, 4), [
      'name',
      'policyType',
      'enforcementMode',
      'ruleDefinition',
    ]);
  });
});

describe('applyPlan', () => {
  it('creates prerequisites first and writes their live ids, stamped cli-sync', async () => {
    const { org, policies, calls } = fakeOrg([livePolicy('base', 'baseline', 1)]);
    const plan = planSync(
      [bundle('child', { prerequisites: ['parent', 'baseline'] }), bundle('parent')],
      await org.listPolicies(),
    );
    const report = await applyPlan(plan, org);
    assert.equal(report.failed, 0);
    assert.deepEqual(calls, ['create parent', 'create child']);
    const child = [...policies.values()].find((p) => p.name === 'child')!;
    const parent = [...policies.values()].find((p) => p.name === 'parent')!;
    assert.deepEqual(child.prerequisites, [parent.id, 'base']);
    assert.deepEqual(child.metadata, { source: 'cli-sync' });
  });

  it('a 412 whose policy already holds the new values counts as applied (a retried write that landed)', async () => {
    const { org, policies } = fakeOrg([livePolicy('1', 'a', 1)]);
    const plan = planSync([bundle('a', { enforcementMode: 'log_only' })], await org.listPolicies());
    policies.set('1', { ...livePolicy('1', 'a', 2), enforcementMode: 'log_only' });
    const report = await applyPlan(plan, org);
    assert.deepEqual(
      report.results.map((r) => [r.ok, r.message]),
      [[true, 'already applied']],
    );
  });

  it('a create another run of the same plan made is reported as already created', async () => {
    // Found by a field test: two syncs of one plan at the same time both printed "created"; the
    // second run's create was the server's replay of the first's (Idempotent-Replayed).
    const { org, policies } = fakeOrg([]);
    const plan = planSync([bundle('a')], []);
    const first = await applyPlan(plan, org);
    const second = await applyPlan(plan, org);
    assert.equal(policies.size, 1);
    assert.deepEqual(
      [first, second].map((r) => r.results.map((x) => [x.ok, x.liveId, x.message])),
      [[[true, 'id-1', undefined]], [[true, 'id-1', 'already created']]],
    );
  });

  it('a replayed create of a policy deleted since asks again under a new key', async () => {
    const { org, policies, replays } = fakeOrg([]);
    const plan = planSync([bundle('a')], []);
    replays.set(idempotencyKey(plan.fingerprint, 'a'), 'deleted-id');
    const report = await applyPlan(plan, org);
    assert.equal(report.failed, 0);
    assert.equal(policies.size, 1);
    assert.notEqual(report.results[0].liveId, 'deleted-id');
  });

  it('a create replayed again and again (add, prune, add again) is never taken for a create', async () => {
    // Found by a field test: after rounds of add, prune, add of one plan the server held replays for
    // the first key and for its numbered retries (-2, -3), all of policies deleted since; the third
    // retry's replay was reported as created. The keys after a stale replay are derived from the
    // deleted policy's id, and a chain of such replays is followed to a real create.
    const { org, policies, replays } = fakeOrg([]);
    const plan = planSync([bundle('a')], []);
    const first = idempotencyKey(plan.fingerprint, 'a');
    for (const [k, id] of [
      [first, 'deleted-1'],
      [`${first}-2`, 'deleted-2'],
      [`${first}-3`, 'deleted-3'],
      [idempotencyKeyAfter(first, 'deleted-1'), 'deleted-4'],
    ])
      replays.set(k, id);
    const report = await applyPlan(plan, org);
    assert.equal(report.failed, 0);
    assert.equal(policies.size, 1);
    assert.ok(!String(report.results[0].liveId).startsWith('deleted-'), String(report.results[0].liveId));
  });

  it('stops at a connection failure and reports the rest as not attempted', async () => {
    const { org } = fakeOrg([], (call) =>
      call === 'create b'
        ? new LiveOrgError('unreachable', 'live org fake is unreachable (ECONNREFUSED)')
        : undefined,
    );
    const plan = planSync([bundle('a'), bundle('b'), bundle('c')], []);
    const report = await applyPlan(plan, org);
    assert.deepEqual(
      report.results.map((r) => [r.step.name, r.ok]),
      [
        ['a', true],
        ['b', false],
        ['c', false],
      ],
    );
    assert.match(report.results[2].message!, /^not attempted: stopped after an earlier failure/);
  });
});

describe('live org configuration', () => {
  it('sends the key only over https or to loopback', () => {
    assert.equal(
      resolveLiveConfig({ url: 'https://api.execlave.com' }, { EXECLAVE_API_KEY: 'k' }).apiBase,
      'https://api.execlave.com/api/v1',
    );
    assert.equal(
      resolveLiveConfig({}, { POLICYLENS_API_URL: 'http://localhost:7420/api/v1/', POLICYLENS_API_KEY: 'k' })
        .apiBase,
      'http://localhost:7420/api/v1',
    );
    assert.throws(
      () => resolveLiveConfig({ url: 'http://10.0.0.5:7420' }, { POLICYLENS_API_KEY: 'k' }),
      /plain http/,
    );
    assert.ok(isLoopbackHost('[::1]') && isLoopbackHost('127.0.0.9') && !isLoopbackHost('127.example.com'));
  });

  it('reads Retry-After as seconds or as a date', () => {
    assert.equal(retryAfterMs('3'), 3000);
    assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 4_000), 6_000);
    assert.equal(retryAfterMs('soon'), undefined);
  });
});
