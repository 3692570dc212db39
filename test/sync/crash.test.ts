// A registry process killed in the middle of `sync --apply`: the run reports what was and was not
// applied, and the next run against the restarted registry converges with nothing duplicated or lost.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { pgliteBackend, postgresBackend, type Backend } from '../registry/backends';
import { BUNDLES, livePolicies, registryProcess, removeDir, runCli, tempDir, writeFiles } from './harness';
import { startProxy } from './proxy';

const KEY = 'plk_crash_test_key';
const dirs: string[] = [];
const backends: Backend[] = [];
after(async () => {
  for (const d of dirs) removeDir(d);
  for (const b of backends) await b.cleanup();
});

// The same crash on both storages: PGlite in-process files, and a PostgreSQL server.
for (const make of [pgliteBackend, postgresBackend]) {
  describe(make.name.replace('Backend', ''), () => {
    it('a registry killed mid-apply: the next run converges with nothing duplicated or lost', async () => {
      const backend = await make();
      backends.push(backend);
      await crashAndConverge(backend.flags);
    });
  });
}

async function crashAndConverge(storage: string[]): Promise<void> {
  const bundles = tempDir('crash-bundles');
  dirs.push(bundles);
  writeFiles(bundles, BUNDLES);
  let first = await registryProcess(storage, KEY);
  const proxy = await startProxy(first.url, (req) => {
    // The second create reaches the database and commits; then the registry dies before answering.
    if (req.method === 'POST' && req.nth === 2)
      return {
        kind: 'lose-response',
        afterCommit: () =>
          new Promise<void>((resolve) => {
            first.child.once('exit', () => resolve());
            first.child.kill('SIGKILL');
          }),
      };
    return { kind: 'pass' };
  });
  try {
    const env = { POLICYLENS_API_URL: proxy.url, POLICYLENS_API_KEY: KEY };
    const crashed = await runCli(['sync', bundles, '--apply'], env);
    assert.equal(crashed.status, 1, crashed.stdout + crashed.stderr);
    assert.match(crashed.stdout, /✓ created +\S+ +"Block PII exfiltration"/);
    assert.match(
      crashed.stdout,
      /✗ failed +- +"Require approval for file writes" +\(create: live org 127\.0\.0\.1:\d+ is unreachable/,
    );
    assert.match(
      crashed.stdout,
      /✗ failed +- +"Rate limit external calls" +\(create: not attempted: stopped after an earlier failure/,
    );
    assert.match(crashed.stdout, /1 applied, 2 not applied/);

    first = await registryProcess(storage, KEY);
    proxy.target = first.url;
    const plan = await runCli(['sync', bundles], env);
    // The create whose answer was lost did land: the new plan sees it as in sync.
    assert.match(plan.stdout, /= no-op +"Require approval for file writes"/);
    assert.match(plan.stdout, /\+ create +"Rate limit external calls"/);
    const rerun = await runCli(['sync', bundles, '--apply'], env);
    assert.equal(rerun.status, 0, rerun.stdout + rerun.stderr);
    const names = (await livePolicies({ url: first.url, key: KEY })).map((p) => p.name).sort();
    assert.deepEqual(names, [
      'Block PII exfiltration',
      'Rate limit external calls',
      'Require approval for file writes',
    ]);
    assert.equal((await runCli(['sync', bundles, '--exit-code'], env)).status, 0);
  } finally {
    await proxy.close();
    first.child.kill('SIGTERM');
    await new Promise((resolve) =>
      first.child.exitCode === null ? first.child.once('exit', resolve) : resolve(null),
    );
  }
}
