// What a dry-run plan must tell a Terraform or kubectl user, against a real registry on loopback:
// policies it does not manage, cycles it would close, look-alike names, mass deletes, and why a
// reviewed plan no longer applies.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  api,
  BUNDLES,
  livePolicies,
  type LiveRegistry,
  registryPerFile,
  removeDir,
  runCli,
  tempDir,
  writeFiles,
} from './harness';

let live: LiveRegistry;
const dirs: string[] = [];
registryPerFile((l) => (live = l), dirs);

/** A fresh org (its own key), a folder with `files`, and a direct handle on the org's API. */
async function workspace(org: string, files: Record<string, string> = BUNDLES) {
  const { key } = await live.registry.createApiKey(org, 'user_123');
  const dir = tempDir('plan-truth');
  dirs.push(dir);
  writeFiles(dir, files);
  return {
    dir,
    env: { POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: key },
    direct: { url: live.url, key },
  };
}

/** A policy created by hand in the live org, as another user would. */
async function createByHand(
  direct: { url: string; key: string },
  name: string,
  prerequisites: string[] = [],
): Promise<string> {
  const res = await api(direct, 'POST', '/policies', {
    name,
    policyType: 'tool_call',
    enforcementMode: 'block',
    ruleDefinition: { tools: ['shell'] },
    prerequisites,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data.id as string;
}

describe('what the sync plan tells', () => {
  it('names the live policies no bundle declares, and never calls such an org in sync', async () => {
    const { dir, env, direct } = await workspace('unmanaged');
    assert.equal((await runCli(['sync', dir, '--apply'], env)).status, 0);
    const id = await createByHand(direct, 'ops-x');

    // Not a change (Terraform ignores objects it does not manage): --exit-code stays 0.
    const text = await runCli(['sync', dir, '--exit-code'], env);
    assert.equal(text.status, 0, text.stderr);
    assert.doesNotMatch(text.stdout, /the live org is in sync/);
    assert.match(
      text.stdout,
      /\n\n1 policy in the live org is declared by no bundle here and left alone \(--prune would delete it; `policylens export` writes its bundle\):\n {2}"ops-x" {2}tool_call\n\nNo changes pending: every declared policy is in sync \(the 1 policy above is not managed here\)\.\n$/,
    );
    const json = JSON.parse((await runCli(['sync', dir, '--format', 'json'], env)).stdout);
    assert.deepEqual(json.unmanaged, [
      { name: 'ops-x', liveId: id, isActive: true, policyType: 'tool_call' },
    ]);
    assert.equal(json.pending, 0);

    // With --prune it is a delete, and no longer listed as left alone.
    const pruned = await runCli(['sync', dir, '--prune', '--format', 'json'], env);
    const plan = JSON.parse(pruned.stdout);
    assert.deepEqual(plan.unmanaged, []);
    assert.deepEqual(
      plan.steps
        .filter((s: { action: string }) => s.action === 'delete')
        .map((s: { name: string }) => s.name),
      ['ops-x'],
    );

    // Many: the text caps the names, JSON lists them all.
    for (let i = 1; i <= 11; i++) await createByHand(direct, `hand-made ${String(i).padStart(2, '0')}`);
    const many = await runCli(['sync', dir], env);
    assert.match(many.stdout, /\n12 policies in the live org are declared by no bundle here/);
    assert.match(
      many.stdout,
      /\n {2}"hand-made 10" {2}tool_call\n {2}… and 2 more \(--format json lists them all\)\n/,
    );
    assert.equal(
      JSON.parse((await runCli(['sync', dir, '--format', 'json'], env)).stdout).unmanaged.length,
      12,
    );
    assert.equal((await livePolicies(direct)).length, 15, 'a dry run writes nothing');
  });

  it('checks the org as the plan leaves it for cycles, through live policies no bundle declares', async () => {
    const guard =
      'name: pii-guard-v2\npolicyType: pii_access\nenforcementMode: block\nruleDefinition:\n  denied_pii_types: [ssn]\n';
    const { dir, env, direct } = await workspace('cycle', { 'pii-guard.yaml': guard });
    assert.equal((await runCli(['sync', dir, '--apply'], env)).status, 0);
    const guardId = (await livePolicies(direct))[0].id as string;
    await createByHand(direct, 'ops-x', [guardId]);
    writeFiles(dir, { 'pii-guard.yaml': `${guard}prerequisites: [ops-x]\n` });

    const plan = await runCli(['sync', dir, '--exit-code'], env);
    assert.equal(plan.status, 1, plan.stdout);
    assert.match(
      plan.stdout,
      /\n {6}! its prerequisites would form a cycle: pii-guard-v2 → ops-x → pii-guard-v2 \(ops-x: in the live org, declared by no bundle\); the API would refuse the write\n/,
    );
    const applied = await runCli(['sync', dir, '--apply'], env);
    assert.equal(applied.status, 1);
    assert.match(applied.stderr, /the plan has problems \(marked !\); nothing was applied/);
    assert.doesNotMatch(applied.stdout, /introduce a cycle/, 'the registry was never asked');
    const after = (await livePolicies(direct)).find((p) => p.name === 'pii-guard-v2');
    assert.deepEqual(after.prerequisites, []);
  });

  it('refuses a bundle whose name is a live name in another Unicode form (NFD beside NFC)', async () => {
    const nfc = 'Contrôle des coûts';
    const nfd = nfc.normalize('NFD');
    assert.notEqual(nfc, nfd);
    const bundle = (name: string) =>
      `${JSON.stringify({ name, policyType: 'cost_limit', enforcementMode: 'block', ruleDefinition: { daily_budget: 100 } })}\n`;
    const { dir, env, direct } = await workspace('nfd', { 'cout.json': bundle(nfc) });
    assert.equal((await runCli(['sync', dir, '--apply'], env)).status, 0);
    const [before] = await livePolicies(direct);
    writeFiles(dir, { 'cout.json': bundle(nfd) });

    // Run in the folder: the plan names files from the current directory.
    const plan = await runCli(['sync', dir, '--prune'], env, dir);
    assert.equal(plan.status, 1, plan.stdout);
    assert.match(
      plan.stdout,
      /! "Contro\u0302le des cou\u0302ts" is the name of the live policy "Contrôle des coûts" in another Unicode form: the bundle writes "ô" as U\+006F U\+0302 \(NFD\), the live org as U\+00F4 \(NFC\); applied, this creates a look-alike beside it\. Write the bundle's name as the live one is written \(NFC\) to update it instead\n/,
    );
    assert.match(plan.stdout, /- delete .+\n {6}! cout\.json declares it in another Unicode form \(NFD\)/);
    const applied = await runCli(['sync', dir, '--prune', '--apply'], env);
    assert.equal(applied.status, 1);
    assert.match(applied.stderr, /nothing was applied/);
    assert.deepEqual(
      (await livePolicies(direct)).map((p) => [p.id, p.name]),
      [[before.id, nfc]],
      'the live policy keeps its id and its name',
    );

    // Written as the live one is, the bundle is the same policy again.
    writeFiles(dir, { 'cout.json': bundle(nfc) });
    assert.equal((await runCli(['sync', dir, '--prune', '--exit-code'], env)).status, 0);
  });

  it('warns before a prune that deletes more than half of the org, and applies it only confirmed', async () => {
    const { dir, env, direct } = await workspace('mass-prune');
    assert.equal((await runCli(['sync', dir, '--apply'], env)).status, 0);
    const one = join(dir, 'data-access.yaml');

    const plan = await runCli(['sync', one, '--prune'], env);
    assert.equal(plan.status, 0, plan.stderr);
    assert.match(
      plan.stdout,
      /^⚠ --prune would delete 2 of the 3 policies in the live org \(more than half\): every live policy no bundle under the synced paths declares\. Check the path covers every bundle\n\nPlan for org "mass-prune" at 127\.0\.0\.1:\d+:\n/,
    );
    assert.match(plan.stdout, /\n2 changes pending\. Re-run with --apply --confirm-deletes 2 to apply\.\n$/);
    const json = JSON.parse((await runCli(['sync', one, '--prune', '--format', 'json'], env)).stdout);
    assert.equal(json.warnings.length, 1);
    assert.match(json.warnings[0], /^--prune would delete 2 of the 3 policies/);

    const unconfirmed = await runCli(['sync', one, '--prune', '--apply'], env);
    assert.equal(unconfirmed.status, 1);
    assert.equal(
      unconfirmed.stderr,
      'policylens sync: this plan deletes 2 of the 3 policies in the live org; nothing was applied. If that is meant, re-run with --confirm-deletes 2.\n',
    );
    const wrong = await runCli(['sync', one, '--prune', '--apply', '--confirm-deletes', '1'], env);
    assert.equal(wrong.status, 1);
    assert.match(
      wrong.stderr,
      /this plan deletes 2 policies, not the 1 of --confirm-deletes; nothing was applied/,
    );
    assert.equal((await livePolicies(direct)).length, 3, 'nothing was deleted');
    const usage = await runCli(['sync', one, '--prune', '--confirm-deletes', '2'], env);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /--confirm-deletes goes with --apply --prune/);

    const confirmed = await runCli(['sync', one, '--prune', '--apply', '--confirm-deletes', '2'], env);
    assert.equal(confirmed.status, 0, confirmed.stderr);
    assert.deepEqual(
      (await livePolicies(direct)).map((p) => p.name),
      ['Block PII exfiltration'],
    );
  });

  it('--fingerprint: only with --apply, errors as JSON, and a differing plan says what differs', async () => {
    const { dir, env } = await workspace('fingerprint');
    const hex = 'a'.repeat(64);
    const usage = await runCli(['sync', dir, '--fingerprint', hex], env);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /^policylens sync: --fingerprint goes with --apply/);
    assert.equal((await runCli(['sync', dir, '--fingerprint', hex, '--exit-code'], env)).status, 1);
    const usageJson = await runCli(['sync', dir, '--fingerprint', hex, '--format', 'json'], env);
    assert.equal(usageJson.status, 2);
    assert.match(JSON.parse(usageJson.stdout).error, /^--fingerprint goes with --apply/);
    const refused = await runCli(['sync', dir, '--format', 'json'], {
      ...env,
      POLICYLENS_API_KEY: 'plk_wrong',
    });
    assert.equal(refused.status, 1);
    assert.match(JSON.parse(refused.stdout).error, /refused the API key \(401\)/);

    // Reviewed with --prune, applied without: the hash alone tells that much.
    const withPrune = JSON.parse((await runCli(['sync', dir, '--prune', '--format', 'json'], env)).stdout);
    const mismatch = await runCli(['sync', dir, '--apply', '--fingerprint', withPrune.fingerprint], env);
    assert.equal(mismatch.status, 1);
    assert.equal(
      mismatch.stderr,
      'policylens sync: this is not the plan that was reviewed (--fingerprint differs); nothing was applied.\n  the reviewed plan was made with --prune\n',
    );

    // Reviewed as a file: the counts and the steps that moved.
    assert.equal((await runCli(['sync', dir, '--apply'], env)).status, 0);
    writeFiles(dir, { 'data-access.yaml': BUNDLES['data-access.yaml'].replace('log_only', 'block') });
    const review = await runCli(['sync', dir, '--format', 'json'], env);
    const reviewFile = join(dir, '..', `${dir.split('/').pop()}-plan.json`);
    writeFiles('/', { [reviewFile]: review.stdout });
    dirs.push(reviewFile);
    writeFiles(dir, {
      'rate-limit.yaml': BUNDLES['rate-limit.yaml'].replace('60', '30'),
      'new.yaml':
        'name: New one\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [shell]\n',
    });
    const moved = await runCli(['sync', dir, '--apply', '--fingerprint', reviewFile], env);
    assert.equal(moved.status, 1, moved.stdout);
    assert.equal(
      moved.stderr,
      [
        'policylens sync: this is not the plan that was reviewed (--fingerprint differs); nothing was applied.',
        '  reviewed: 1 change (1 update); now: 3 changes (1 create, 2 update)',
        '  the changes differ: now also + create "New one", ~ update "Rate limit external calls"',
        '',
      ].join('\n'),
    );
    const movedJson = await runCli(
      ['sync', dir, '--apply', '--fingerprint', reviewFile, '--format', 'json'],
      env,
    );
    assert.match(JSON.parse(movedJson.stdout).error, /\nreviewed: 1 change \(1 update\); now: 3 changes/);

    // Still the reviewed plan: the file applies it.
    writeFiles(dir, { 'rate-limit.yaml': BUNDLES['rate-limit.yaml'] });
    removeDir(join(dir, 'new.yaml'));
    const applied = await runCli(['sync', dir, '--apply', '--fingerprint', reviewFile], env);
    assert.equal(applied.status, 0, applied.stderr);
    assert.match(applied.stdout, /✓ updated .+"Block PII exfiltration"/);
  });
});
