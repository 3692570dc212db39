// `policylens chain --live` against a real registry (policylens serve, in this process on PGlite):
// live ids and names that no bundle declares resolve through the org; offline they stay unresolved.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  api,
  inProcessRegistry,
  removeDir,
  runCli,
  tempDir,
  writeFiles,
  type LiveRegistry,
} from '../sync/harness';

const body = (name: string, isActive = true) => ({
  name,
  policyType: 'expression',
  enforcementMode: 'monitor',
  ruleDefinition: { expression: 'true' },
  isActive,
});

describe('policylens chain --live', () => {
  let live: LiveRegistry;
  let dir: string;
  let env: Record<string, string>;
  let upstream: string;
  let disabled: string;
  let gone: string;

  before(async () => {
    live = await inProcessRegistry();
    env = { POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: live.key };
    upstream = (await api(live, 'POST', '/policies', body('org-upstream'))).body.data.id as string;
    disabled = (await api(live, 'POST', '/policies', body('org-disabled', false))).body.data.id as string;
    gone = (await api(live, 'POST', '/policies', body('org-deleted'))).body.data.id as string;
    assert.equal((await api(live, 'DELETE', `/policies/${gone}`)).status, 200);
    await api(live, 'POST', '/policies', body('org-by-name'));
    dir = tempDir('chain-live');
    writeFiles(dir, {
      'downstream.yaml': `name: downstream\npolicyType: expression\nenforcementMode: block\nruleDefinition:\n  expression: "true"\nprerequisites: ["${upstream}", org-by-name]\n`,
    });
  });
  after(async () => {
    await live.close();
    removeDir(dir);
  });

  it('offline, ids are unresolved and names outside the workspace missing', async () => {
    const r = await runCli(['chain', dir], {});
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stdout,
      /\? downstream: prerequisite "[0-9a-f-]{36}" is a live policy id \(not checked offline\)/,
    );
    assert.match(r.stdout, /✗ downstream: prerequisite "org-by-name" is not a policy among the files read/);
  });

  it('with --live, both resolve through the org and the chain is sound', async () => {
    const r = await runCli(['chain', dir, '--live'], env);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /unresolved|not a policy/);
    const one = await runCli(['chain', dir, '--live', '--id', 'downstream'], env);
    assert.match(one.stdout, new RegExp(`${upstream} +live policy "org-upstream"`));
    assert.match(one.stdout, /org-by-name +live policy "org-by-name"/);
  });

  it('with --live, a deleted id is missing and a disabled one inactive', async () => {
    writeFiles(dir, {
      'stale.yaml': `name: stale\npolicyType: expression\nenforcementMode: block\nruleDefinition:\n  expression: "true"\nprerequisites: ["${gone}", "${disabled}"]\n`,
    });
    const r = await runCli(['chain', dir, '--live', '--format', 'json'], env);
    assert.equal(r.status, 1);
    const report = JSON.parse(r.stdout) as {
      entries: { name: string; prerequisites: { status: string }[] }[];
    };
    const stale = report.entries.find((e) => e.name === 'stale')!;
    assert.deepEqual(
      stale.prerequisites.map((l) => l.status),
      ['missing', 'inactive'],
    );
    // The text says the org was asked too.
    const text = await runCli(['chain', dir, '--live'], env);
    assert.match(
      text.stdout,
      new RegExp(`✗ stale: prerequisite "${gone}" is not a policy among the files read or in the live org`),
    );
  });

  it('an org that cannot be read leaves ids unresolved, with a note', async () => {
    const r = await runCli(['chain', dir, '--url', 'http://127.0.0.1:9/'], { POLICYLENS_API_KEY: 'k' });
    assert.match(r.stderr, /the live org could not be read/);
    assert.match(r.stdout, /is a live policy id \(not checked offline\)/);
  });
});
