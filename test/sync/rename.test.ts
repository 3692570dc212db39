// The rename hint against a real registry (policylens serve) on loopback: a bundle renamed (and its
// file moved) plans a create and a delete, both say they look like one rename, the JSON plan carries
// it within its schema, and the apply of the reviewed plan is the create and the delete it always was.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  BUNDLES,
  livePolicies,
  type LiveRegistry,
  registryPerFile,
  runCli,
  tempDir,
  writeFiles,
} from './harness';
import { assertSchema } from './syncSchema';

let live: LiveRegistry;
const dirs: string[] = [];
registryPerFile((l) => (live = l), dirs);

const OLD = 'Require approval for file writes';
const NEW = 'Approve file writes';

describe('the rename hint of policylens sync', () => {
  it('names both sides, in text and JSON, and changes nothing that is applied', async () => {
    const { key } = await live.registry.createApiKey('rename', 'user_123');
    const env = { POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: key };
    const dir = tempDir('rename');
    dirs.push(dir);
    writeFiles(dir, BUNDLES);
    assert.equal((await runCli(['sync', dir, '--apply'], env, dir)).status, 0);
    const oldId = (await livePolicies({ url: live.url, key })).find((p) => p.name === OLD).id as string;

    // The bundle is renamed and its file moved, nothing else.
    rmSync(join(dir, 'production-guardrails.json'));
    writeFiles(dir, { 'gates/approval.json': BUNDLES['production-guardrails.json'].replace(OLD, NEW) });
    // Run in the folder: the plan names files from the current directory.

    const unpruned = await runCli(['sync', dir], env, dir);
    assert.equal(unpruned.status, 0, unpruned.stderr);
    assert.match(
      unpruned.stdout,
      new RegExp(
        `\\+ create {2}"${NEW}" +\\(gates/approval\\.json\\)\\n {6}\\(looks like a rename of "${OLD}" \\(the same policy apart from its name\\): Execlave has no rename, so this is a new policy with a new id; the history of "${OLD}" stays under id ${oldId}\\)\\n`,
      ),
    );
    assert.match(
      unpruned.stdout,
      new RegExp(
        `\\n {2}"${OLD}" {2}tool_call {2}\\(looks like a rename to "${NEW}" \\(gates/approval\\.json\\): its history stays under id ${oldId}; Execlave has no rename\\)\\n`,
      ),
    );
    const unprunedJson = JSON.parse((await runCli(['sync', dir, '--format', 'json'], env, dir)).stdout);
    assertSchema(unprunedJson);
    assert.deepEqual(unprunedJson.unmanaged, [
      {
        name: OLD,
        liveId: oldId,
        isActive: true,
        policyType: 'tool_call',
        renamedTo: { name: NEW, file: 'gates/approval.json' },
      },
    ]);

    const planned = await runCli(['sync', dir, '--prune', '--format', 'json'], env, dir);
    assert.equal(planned.status, 0, planned.stderr);
    const plan = JSON.parse(planned.stdout);
    assertSchema(plan);
    const create = plan.steps.find((s: { action: string }) => s.action === 'create');
    const del = plan.steps.find((s: { action: string }) => s.action === 'delete');
    assert.deepEqual(create.renameOf, { name: OLD, liveId: oldId });
    assert.deepEqual(del.renamedTo, { name: NEW, file: 'gates/approval.json' });
    assert.equal(plan.pending, 2);

    // The reviewed plan applies as the create and the delete it shows: a new id, the old one gone,
    // its history still read by that id.
    const applied = await runCli(
      ['sync', dir, '--prune', '--apply', '--fingerprint', plan.fingerprint],
      env,
      dir,
    );
    assert.equal(applied.status, 0, applied.stderr);
    const after = await livePolicies({ url: live.url, key });
    assert.deepEqual(after.map((p) => p.name).sort(), [
      NEW,
      'Block PII exfiltration',
      'Rate limit external calls',
    ]);
    assert.notEqual(after.find((p) => p.name === NEW).id, oldId);
    const history = await runCli(['history', oldId], env);
    assert.equal(history.status, 0, history.stderr);
    assert.match(history.stdout, /policy\.created[\s\S]*policy\.deleted/);
  });

  it('says nothing when the renamed bundle was edited too', async () => {
    const { key } = await live.registry.createApiKey('rename-edited', 'user_123');
    const env = { POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: key };
    const dir = tempDir('rename-edited');
    dirs.push(dir);
    writeFiles(dir, BUNDLES);
    assert.equal((await runCli(['sync', dir, '--apply'], env)).status, 0);
    writeFiles(dir, {
      'production-guardrails.json': BUNDLES['production-guardrails.json']
        .replace(OLD, NEW)
        .replace('require_approval', 'block'),
    });
    const plan = JSON.parse((await runCli(['sync', dir, '--prune', '--format', 'json'], env)).stdout);
    assert.equal(plan.pending, 2);
    assert.ok(plan.steps.every((s: object) => !('renameOf' in s) && !('renamedTo' in s)));
  });
});
