import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import {
  api,
  CLI,
  inProcessRegistry,
  removeDir,
  runCli,
  tempDir,
  writeFiles,
  type LiveRegistry,
} from '../sync/harness';
import { startProxy, type Decision, type Seen } from '../sync/proxy';
import { report, runs } from './support/invariants';

// Faults during `policylens sync --apply`, injected by the sync suite's loopback proxy
// (test/sync/proxy.ts) between the real CLI and a real registry: 500s, 429 with Retry-After,
// timeouts before and after the server committed, answers lost after the commit, and the CLI
// itself killed mid-apply. After each faulty run, plain re-runs must converge: every bundle
// present exactly once with its declared content, nothing created twice, the audit chain intact.

const counts = { runs: 0, faults: 0, killed: 0, lost: 0, races: 0, policiesLost: 0, duplicated: 0 };

/** What each request meets on its way to the registry. */
type Fault = 'pass' | '500' | '503' | '429' | 'lose' | 'slow-lose' | 'late' | 'kill';
const FAULTS: Fault[] = ['pass', 'pass', '500', '503', '429', 'lose', 'slow-lose', 'late', 'kill'];

/** The desired bundles of one run: three to create, one to update, one to leave alone. */
function bundles(tag: string): Record<string, string> {
  const b = (name: string, mode: string, tools: string[]) =>
    `name: ${name}\npolicyType: tool_call\nenforcementMode: ${mode}\nruleDefinition:\n  tools: [${tools.join(', ')}]\n`;
  return {
    'a.yaml': b(`${tag}-create-a`, 'block', ['search']),
    'b.yaml': b(`${tag}-create-b`, 'monitor', ['fetch']),
    'c.yaml': b(`${tag}-create-c`, 'warn', ['shell']),
    'u.yaml': b(`${tag}-update`, 'block', ['search', 'fetch']),
    'k.yaml': b(`${tag}-keep`, 'log_only', ['search']),
  };
}

/** The live state before the run: the policy to update (old content), the one already in sync, one to prune. */
async function seed(live: { url: string; key: string }, tag: string): Promise<void> {
  const mk = (name: string, mode: string, tools: string[]) => ({
    name,
    policyType: 'tool_call',
    enforcementMode: mode,
    ruleDefinition: { tools },
    metadata: { source: 'cli-sync' },
  });
  for (const body of [
    mk(`${tag}-update`, 'monitor', ['search']),
    mk(`${tag}-keep`, 'log_only', ['search']),
    mk(`${tag}-stale`, 'block', ['old']),
  ])
    assert.equal((await api(live, 'POST', '/policies', body)).status, 201);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every invariant of a converged org. */
async function assertConverged(
  live: { url: string; key: string },
  tag: string,
  context: string,
): Promise<void> {
  const list = (await api(live, 'GET', '/policies?limit=500')).body.data as {
    id: string;
    name: string;
    enforcementMode: string;
    ruleDefinition: { tools: string[] };
  }[];
  const names = list.map((p) => p.name).sort();
  const want = [`${tag}-create-a`, `${tag}-create-b`, `${tag}-create-c`, `${tag}-keep`, `${tag}-update`];
  counts.policiesLost += want.filter((n) => !names.includes(n)).length;
  counts.duplicated += names.length - new Set(names).size;
  assert.deepEqual(
    names,
    [`${tag}-create-a`, `${tag}-create-b`, `${tag}-create-c`, `${tag}-keep`, `${tag}-update`],
    `${context}: every policy exactly once, the stale one pruned`,
  );
  const updated = list.find((p) => p.name === `${tag}-update`)!;
  assert.deepEqual(
    [updated.enforcementMode, updated.ruleDefinition.tools],
    ['block', ['search', 'fetch']],
    context,
  );
  const verify = (await api(live, 'GET', '/audit/verify')).body.data as { ok: boolean };
  assert.equal(verify.ok, true, `${context}: the audit chain verifies`);
  // No create was duplicated and later cleaned up: each live policy was created once, and the
  // only deletion is the pruned one.
  for (const p of list) {
    const history = (await api(live, 'GET', `/policies/${p.id}/history`)).body.data as {
      eventType: string;
    }[];
    assert.equal(history.filter((e) => e.eventType === 'policy.created').length, 1, `${context}: ${p.name}`);
  }
}

describe('sync --apply under faults', () => {
  let live: LiveRegistry;
  const dirs: string[] = [];
  before(async () => {
    live = await inProcessRegistry();
  });
  after(async () => {
    await live?.close();
    for (const d of dirs) removeDir(d);
    report(
      `${counts.runs} faulty applies (${counts.faults} faults injected, ${counts.lost} answers lost after commit, ${counts.killed} CLI kills), ${counts.races} concurrent conflicting applies, policies lost: ${counts.policiesLost}, creates duplicated: ${counts.duplicated}`,
    );
  });

  it('a random fault on each request: plain re-runs converge, nothing lost or duplicated', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...FAULTS), { minLength: 12, maxLength: 12 }),
        async (schedule) => {
          const tag = `f${n++}`;
          const { key } = await live.registry.createApiKey(`hardening-${tag}`);
          const org = { url: live.url, key };
          await seed(org, tag);
          const dir = tempDir('sync-faults');
          dirs.push(dir);
          writeFiles(dir, bundles(tag));
          let i = 0;
          let cli: ReturnType<typeof spawn> | undefined;
          const proxy = await startProxy(live.url, async (req: Seen): Promise<Decision> => {
            // Reads pass; each write meets the next fault of the schedule.
            if (req.method === 'GET') return { kind: 'pass' };
            const fault = schedule[i++ % schedule.length];
            if (fault !== 'pass') counts.faults++;
            switch (fault) {
              case '500':
              case '503':
                return {
                  kind: 'respond',
                  status: Number(fault),
                  body: { error: { code: 'INTERNAL_ERROR', message: 'injected', fields: {} } },
                };
              case '429':
                return {
                  kind: 'respond',
                  status: 429,
                  body: { error: { code: 'RATE_LIMITED', message: 'injected', fields: {} } },
                  headers: { 'Retry-After': '1' },
                };
              case 'lose':
                counts.lost++;
                return { kind: 'lose-response' };
              case 'slow-lose':
                // The server commits, and the answer never comes: the client times out, then retries.
                counts.lost++;
                return { kind: 'lose-response', afterCommit: () => sleep(1_200) };
              case 'late':
                // The request reaches the server only after the client gave up on it.
                await sleep(1_200);
                return { kind: 'pass' };
              case 'kill':
                // The write commits and the CLI dies before it reads the answer.
                counts.killed++;
                return { kind: 'lose-response', afterCommit: () => void cli?.kill('SIGKILL') };
              default:
                return { kind: 'pass' };
            }
          });
          try {
            const env = {
              PATH: process.env.PATH ?? '',
              POLICYLENS_API_URL: proxy.url,
              POLICYLENS_API_KEY: key,
              POLICYLENS_TIMEOUT_SECONDS: '1',
              POLICYLENS_RETRIES: '2',
            };
            const faulty = await new Promise<number | null>((resolve) => {
              cli = spawn(process.execPath, [CLI, 'sync', dir, '--apply', '--prune'], {
                env,
                stdio: 'ignore',
              });
              const timer = setTimeout(() => cli?.kill('SIGKILL'), 60_000);
              cli.on('exit', (code) => {
                clearTimeout(timer);
                resolve(code);
              });
            });
            counts.runs++;
            assert.ok(faulty === 0 || faulty === 1 || faulty === null, `the faulty run exited ${faulty}`);
            const cleanEnv = { ...env, POLICYLENS_API_URL: live.url };
            // A run whose writes were lost may need a second pass: a lost update answers 412 on its retry.
            let rerun = await runCli(['sync', dir, '--apply', '--prune'], cleanEnv);
            if (rerun.status !== 0) rerun = await runCli(['sync', dir, '--apply', '--prune'], cleanEnv);
            assert.equal(
              rerun.status,
              0,
              `schedule ${schedule.join(',')}: the re-run failed\n${rerun.stdout}${rerun.stderr}`,
            );
            const gate = await runCli(['sync', dir, '--prune', '--exit-code'], cleanEnv);
            assert.equal(
              gate.status,
              0,
              `schedule ${schedule.join(',')}: not in sync after the re-run\n${gate.stdout}`,
            );
            await assertConverged(org, tag, `schedule ${schedule.join(',')}`);
          } finally {
            await proxy.close();
          }
        },
      ),
      runs(6),
    );
  });

  it('two clients applying conflicting plans at once: one wins, the other is refused, nothing half-written', async () => {
    const tag = 'race';
    const { key } = await live.registry.createApiKey('hardening-race');
    const org = { url: live.url, key };
    const base = (mode: string, tools: string[]) =>
      `name: ${tag}-shared\npolicyType: tool_call\nenforcementMode: ${mode}\nruleDefinition:\n  tools: [${tools.join(', ')}]\n`;
    const created = await api(org, 'POST', '/policies', {
      name: `${tag}-shared`,
      policyType: 'tool_call',
      enforcementMode: 'monitor',
      ruleDefinition: { tools: ['search'] },
    });
    assert.equal(created.status, 201);
    const plans = [
      {
        'p.yaml': base('block', ['search', 'fetch']),
        'n.yaml': base('block', ['x']).replace(`${tag}-shared`, `${tag}-new`),
      },
      {
        'p.yaml': base('warn', ['shell']),
        'n.yaml': base('warn', ['y']).replace(`${tag}-shared`, `${tag}-new`),
      },
    ];
    const dirsHere = plans.map((files) => {
      const d = tempDir('sync-race');
      dirs.push(d);
      writeFiles(d, files);
      return d;
    });
    // Both clients have read the org before either writes: each write waits for the other's.
    const arrived: (() => void)[] = [];
    const barrier = () =>
      new Promise<void>((resolve) => {
        arrived.push(resolve);
        if (arrived.length === 2) for (const r of arrived.splice(0)) r();
      });
    const proxy = await startProxy(live.url, async (req) => {
      if (req.method !== 'GET') await Promise.race([barrier(), sleep(5_000)]);
      return { kind: 'pass' };
    });
    try {
      const env = { POLICYLENS_API_URL: proxy.url, POLICYLENS_API_KEY: key };
      const results = await Promise.all(dirsHere.map((d) => runCli(['sync', d, '--apply'], env)));
      counts.races++;
      // Each policy is won by one client, whole; the other client says why it did not write it. The
      // create and the update may be won by different clients, so the verdict is per policy.
      const list = (await api(org, 'GET', '/policies?limit=500')).body.data as {
        name: string;
        enforcementMode: string;
        ruleDefinition: { tools: string[] };
        version: number;
      }[];
      const modes = ['block', 'warn'];
      const shared = list.find((p) => p.name === `${tag}-shared`)!;
      const sharedWinner = modes.indexOf(shared.enforcementMode);
      assert.deepEqual(
        shared.ruleDefinition.tools,
        [['search', 'fetch'], ['shell']][sharedWinner],
        'the winner wrote the whole policy',
      );
      assert.equal(shared.version, 2, 'exactly one update landed');
      const fresh = list.filter((p) => p.name === `${tag}-new`);
      assert.equal(fresh.length, 1, 'the new policy exists once');
      const newWinner = modes.indexOf(fresh[0].enforcementMode);
      assert.deepEqual(fresh[0].ruleDefinition.tools, [['x'], ['y']][newWinner]);
      const out = results.map((r) => r.stdout + r.stderr);
      assert.match(out[1 - sharedWinner], /"race-shared".*refused: changed in the live org since the plan/);
      assert.match(out[1 - newWinner], /"race-new".*already exists/);
      assert.ok(
        results.every((r, k) => r.status === (k === sharedWinner && k === newWinner ? 0 : 1)),
        out.join('\n'),
      );
      const verify = (await api(org, 'GET', '/audit/verify')).body.data as { ok: boolean };
      assert.equal(verify.ok, true);
    } finally {
      await proxy.close();
    }
  });
});
