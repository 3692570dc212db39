// The live client reads a long list or history page by page, up to 200 pages. Past that it used to
// return what it had read as if it were everything: `policylens history` printed part of a
// history, and sync planned against part of the org (a policy it did not read looked missing, so
// its bundle was planned as a create). Now that is an error with a clear message and exit 1. A real
// registry with pages of one item (its page sizes made small) stands in for a huge org.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startRegistry, type Registry } from '../../registry/index';
import { createPolicy, updatePolicy } from '../../registry/policies/store';
import { storeFields } from '../registry/api';
import { removeDir, runCli, tempDir, writeFiles } from './harness';

/** The client's bound on pages (server/src/live/client.ts). */
const MAX_PAGES = 200;

let registry: Registry;
const dirs: string[] = [];

before(async () => {
  // One character a page: every page holds exactly one policy or one event.
  registry = await startRegistry({
    port: 0,
    memory: true,
    log: () => undefined,
    pageChars: { list: 1, history: 1 },
  });
});
after(async () => {
  await registry?.close();
  for (const d of dirs) removeDir(d);
});

/** A key for a fresh org, and the CLI's environment for it. */
async function org(name: string) {
  const created = await registry.createApiKey(name, 'user_1');
  return { principal: created, env: { POLICYLENS_API_URL: registry.url, POLICYLENS_API_KEY: created.key } };
}

describe('the live client past its bound on pages', () => {
  it('policylens history fails on a history of more pages, and reads one of exactly that many', async () => {
    const { principal, env } = await org('long-history');
    const id = (await createPolicy(registry.db, principal, storeFields('long', {}), {})).policy.id;
    for (let v = 1; v < MAX_PAGES; v++)
      await updatePolicy(registry.db, principal, id, () => storeFields('long', { evaluationOrder: v }), {});
    const whole = await runCli(['history', id, '--format', 'json'], env);
    assert.equal(whole.status, 0, whole.stderr);
    assert.equal((JSON.parse(whole.stdout) as { events: unknown[] }).events.length, MAX_PAGES);

    await updatePolicy(registry.db, principal, id, () => storeFields('long', { evaluationOrder: -1 }), {});
    const past = await runCli(['history', id, '--format', 'json'], env);
    // Before: exit 0 and the first 200 of the 201 events, as if they were all.
    assert.equal(past.stdout, '');
    assert.match(
      past.stderr,
      /^policylens history: the history of [0-9a-f-]{36} in 127\.0\.0\.1:\d+ needs more than 200 pages \(200 of 201 events read\); stopped rather than show part of it\n$/,
    );
    assert.equal(past.status, 1);
  });

  it('policylens sync fails on an org of more pages instead of planning against part of it', async () => {
    const { principal, env } = await org('many-policies');
    for (let i = 0; i <= MAX_PAGES; i++)
      await createPolicy(registry.db, principal, storeFields(`p-${i}`), {});
    // The last policy the list gives, as a bundle: already live, nothing to do when all is read.
    const dir = tempDir('page-bound');
    dirs.push(dir);
    writeFiles(dir, {
      'p.json': JSON.stringify({
        name: `p-${MAX_PAGES}`,
        policyType: 'rate_limit',
        enforcementMode: 'log_only',
        ruleDefinition: { maxRequestsPerMinute: 60 },
        chainTrigger: 'always',
        evaluationOrder: 0,
      }),
    });
    const sync = await runCli(['sync', dir, '--format', 'json'], env);
    // Before: exit 0 with a plan to create p-200, which exists (the 201st page was never read).
    // No plan against part of the org: with --format json, the error alone (as JSON).
    const out = JSON.parse(sync.stdout) as { error: string };
    assert.deepEqual(Object.keys(out), ['version', 'error']);
    assert.match(out.error, /^listing the policies of 127\.0\.0\.1:\d+ needs more than 200 pages/);
    assert.match(
      sync.stderr,
      /^policylens sync: listing the policies of 127\.0\.0\.1:\d+ needs more than 200 pages \(200 of 201 policies read\); stopped rather than plan against part of the org\n$/,
    );
    assert.equal(sync.status, 1);
  });
});
