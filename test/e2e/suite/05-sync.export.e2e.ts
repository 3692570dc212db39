// The editor's export (Policy Lens: Export Live-Only Policies to Bundles…, the Sync view's
// "Live only" group action) against the real `policylens serve` the sync specs use: a policy made by
// hand in the org is written as a bundle, and the plan then finds it declared and in sync.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PolicyLensApi } from '../../../client/src/extension';
import { api, env, fixture, waitFor } from './helpers';

describe('export from the editor (policylens serve)', function () {
  let a: PolicyLensApi;

  before(async function () {
    if (!env.registryUrl) this.skip();
    a = await api();
    await vscode.commands.executeCommand('policyLens.setApiKey', env.apiKey);
    await waitFor('the server to run with the key', async () => (await a.hasApiKey()) || undefined);
    await a.ready();
  });

  it('exports a live-only policy into a bundle from the Sync view, and the plan finds it in sync', async () => {
    // Export refuses while a bundle has errors, as `policylens export` does (a broken bundle may
    // declare the policy): the workspace's broken bundle is repaired for this spec (its mode, saved),
    // and broken again after.
    const broken = await vscode.workspace.openTextDocument(fixture('broken/invalid-mode.policy.yaml'));
    const setMode = async (from: string, to: string) => {
      const at = broken.getText().indexOf(`enforcementMode: ${from}`);
      assert.ok(at >= 0, `the broken bundle has enforcementMode: ${from}`);
      const edit = new vscode.WorkspaceEdit();
      const start = broken.positionAt(at + 'enforcementMode: '.length);
      edit.replace(broken.uri, new vscode.Range(start, start.translate(0, from.length)), to);
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(await broken.save());
    };
    const headers = { 'X-API-Key': env.apiKey, 'Content-Type': 'application/json' };
    let id: string | undefined;
    let written: string[] = [];
    await setMode('allow', 'block');
    try {
      const posted = await fetch(`${env.registryUrl}/api/v1/policies`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          name: 'Hand-made audit guard',
          policyType: 'tool_call',
          enforcementMode: 'warn',
          ruleDefinition: { tools: ['audit-log'] },
        }),
      });
      assert.equal(posted.status, 201);
      id = ((await posted.json()) as { data: { id: string } }).data.id;
      await waitFor('the plan without an invalid bundle, with the live-only policy', async () => {
        const p = await a.plan.refresh(true);
        assert.deepEqual(p.invalid ?? [], []);
        assert.deepEqual(
          p.liveOnly?.map((l) => l.name),
          ['Hand-made audit guard'],
        );
        return true;
      });
      const outcome = await vscode.commands.executeCommand<{ written: string[]; refused: string[] }>(
        'policyLens.exportLiveOnly',
        { folder: fixture('policies').toString(), confirmed: true },
      );
      written = outcome?.written ?? [];
      assert.deepEqual(
        written.map((u) => u.split('/').slice(-2).join('/')),
        ['policies/hand-made-audit-guard.yaml'],
      );
      assert.deepEqual(outcome?.refused, []);
      const text = new TextDecoder().decode(
        await vscode.workspace.fs.readFile(vscode.Uri.parse(written[0]!)),
      );
      assert.match(text, /^name: Hand-made audit guard\npolicyType: tool_call\nenforcementMode: warn\n/);
      // The plan read the new file at once: the policy is declared and in sync, none is live only.
      const plan = a.plan.plan;
      assert.deepEqual(plan.liveOnly ?? [], []);
      assert.equal(plan.entries.find((e) => e.name === 'Hand-made audit guard')?.action, 'no-op');
      // A second export has nothing left to write.
      const again = await vscode.commands.executeCommand<{ written: string[] }>('policyLens.exportLiveOnly', {
        folder: fixture('policies').toString(),
        confirmed: true,
      });
      assert.deepEqual(again?.written, []);
    } finally {
      for (const uri of written) await vscode.workspace.fs.delete(vscode.Uri.parse(uri));
      await setMode('block', 'allow');
      if (id)
        assert.equal(
          (await fetch(`${env.registryUrl}/api/v1/policies/${id}`, { method: 'DELETE', headers })).status,
          200,
        );
      await waitFor('the broken bundle back in the plan', async () =>
        (await a.plan.refresh(true)).invalid?.length === 1 ? true : undefined,
      );
    }
  });
});
