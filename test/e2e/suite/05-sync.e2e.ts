// Sync against a real `policylens serve` on loopback, seeded by the runner with two live policies:
// "Daily Cost Limit" (same as the bundle: no-op) and "PII Protection" (log_only: an update). The bundle
// "Block Prompt Injection" is not live (a create).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PolicyLensApi } from '../../../client/src/extension';
import { api, env, fixture, open, setSetting, waitFor } from './helpers';

async function registryGet(path: string): Promise<{ data: unknown; meta?: { total: number } }> {
  const res = await fetch(`${env.registryUrl}/api/v1${path}`, { headers: { 'X-API-Key': env.apiKey } });
  assert.equal(res.status, 200, `GET ${path}`);
  return (await res.json()) as { data: unknown; meta?: { total: number } };
}

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

describe('sync with a live org (policylens serve)', function () {
  let a: PolicyLensApi;

  before(async function () {
    if (!env.registryUrl) this.skip();
    a = await api();
    await vscode.commands.executeCommand('policyLens.setApiKey', env.apiKey);
    await waitFor('the server to restart with the key', async () => (await a.hasApiKey()) || undefined);
    await a.ready();
  });

  it('computes the workspace plan: create, update, no-op', async () => {
    const plan = await waitFor('a plan from the live org', async () => {
      const p = await a.plan.refresh(true);
      return p.state === 'ok' ? p : undefined;
    });
    const by = (name: string) => plan.entries.find((e) => e.name === name);
    assert.equal(by('Block Prompt Injection')?.action, 'create');
    assert.equal(by('PII Protection')?.action, 'update');
    assert.equal(by('Daily Cost Limit')?.action, 'no-op');
    assert.deepEqual(
      by('PII Protection')!.changes.map((c) => [c.path, c.from, c.to]),
      [['enforcementMode', 'log_only', 'block']],
    );
    assert.ok(plan.fingerprint, 'the plan has a fingerprint');
  });

  it('shows the plan in the sync view tree', async () => {
    const groups = a.syncTree.getChildren();
    const labels = groups.map((g) => labelOf(a.syncTree.getTreeItem(g)));
    assert.deepEqual(labels, ['Create (1)', 'Update (1)', 'No change (1)']);
    const [update] = a.syncTree.getChildren(groups[1]);
    assert.equal(labelOf(a.syncTree.getTreeItem(update!)), 'PII Protection');
    const [field] = a.syncTree.getChildren(update);
    const item = a.syncTree.getTreeItem(field!);
    assert.equal(labelOf(item), 'enforcementMode');
    assert.equal(item.description, '"log_only" → "block"');
    assert.equal(item.command?.command, 'policyLens.sync.openDiff');
    // Text from policies is shown as text: no tree item carries markdown.
    const all = [...groups, ...groups.flatMap((g) => a.syncTree.getChildren(g))];
    for (const n of all) {
      const it = a.syncTree.getTreeItem(n);
      assert.ok(!(it.tooltip instanceof vscode.MarkdownString), `${labelOf(it)}: plain tooltip`);
      assert.ok(typeof it.label === 'string', `${labelOf(it)}: plain label`);
    }
  });

  it('shows the plan as CodeLens titles above the bundles', async () => {
    // Asked the way the editor asks, through every CodeLens provider: each lens, informational ones
    // ("= in sync") included, carries a command (the server's no-op for those), which the API needs.
    const titles = async (rel: string) => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
        'vscode.executeCodeLensProvider',
        fixture(rel),
        100,
      );
      return lenses.map((l) => l.command?.title ?? '');
    };
    await open('policies/pii-protection.yaml');
    const update = await waitFor('the update lens', async () =>
      (await titles('policies/pii-protection.yaml')).find((t) => t.startsWith('~ update')),
    );
    assert.match(update, /enforcementMode log_only → block/);
    await open('policies/daily-cost-limit.yaml');
    await waitFor(
      'the in-sync lens',
      async () => (await titles('policies/daily-cost-limit.yaml')).includes('= in sync') || undefined,
    );
    await open('policies/block-prompt-injection.json');
    const create = await waitFor('the create lens', async () =>
      (await titles('policies/block-prompt-injection.json')).find((t) => t.startsWith('+ create')),
    );
    assert.ok(create, 'the new bundle shows a create lens');
  });

  it('says in the lens and the view when a create looks like the rename of a live policy', async () => {
    // "Block Prompt Injection" as if it had been renamed from a live policy: the same content under
    // another name, written to the registry for this test only (deleted at its end).
    const bundle = JSON.parse(
      Buffer.from(
        await vscode.workspace.fs.readFile(fixture('policies/block-prompt-injection.json')),
      ).toString(),
    ) as Record<string, unknown>;
    const headers = { 'X-API-Key': env.apiKey, 'Content-Type': 'application/json' };
    const posted = await fetch(`${env.registryUrl}/api/v1/policies`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ...bundle, name: 'Prompt Injection Guard' }),
    });
    assert.equal(posted.status, 201, 'the old policy is live');
    const { id } = ((await posted.json()) as { data: { id: string } }).data;
    try {
      const plan = await a.plan.refresh(true);
      const create = plan.entries.find((e) => e.name === 'Block Prompt Injection')!;
      assert.equal(create.rename?.of, 'Prompt Injection Guard');
      const group = a.syncTree
        .getChildren()
        .find((g) => labelOf(a.syncTree.getTreeItem(g)).startsWith('Create'))!;
      const entry = a.syncTree
        .getChildren(group)
        .find((n) => labelOf(a.syncTree.getTreeItem(n)) === 'Block Prompt Injection')!;
      const item = a.syncTree.getTreeItem(entry);
      assert.equal(
        item.description,
        'rename of "Prompt Injection Guard"? · policies/block-prompt-injection.json',
      );
      assert.match(String(item.tooltip), /the history of "Prompt Injection Guard" stays under id /);
      // The old policy is listed once, in the live-only group (last), with the other side of the hint.
      assert.deepEqual(a.syncTree.getChildren(entry), []);
      const liveOnly = a.syncTree.getChildren().at(-1)!;
      assert.equal(labelOf(a.syncTree.getTreeItem(liveOnly)), 'Live only — left alone (1)');
      assert.match(String(a.syncTree.getTreeItem(liveOnly).tooltip), /policylens export <folder>/);
      const [old] = a.syncTree.getChildren(liveOnly).map((n) => a.syncTree.getTreeItem(n));
      assert.equal(labelOf(old!), 'Prompt Injection Guard');
      assert.equal(
        old!.description,
        `renamed to "Block Prompt Injection"? · ${String(bundle.policyType)} · active`,
      );
      assert.equal(old!.command?.command, 'policyLens.history.show');
      assert.deepEqual(old!.command?.arguments, [{ name: 'Prompt Injection Guard', id }]);
      assert.match(a.statusText(), /^\$\(diff\) Policy Lens: 2 changes$/);
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
        'vscode.executeCodeLensProvider',
        fixture('policies/block-prompt-injection.json'),
        100,
      );
      const lens = lenses.find((l) => l.command?.title.startsWith('+ create'))?.command;
      assert.equal(lens?.title, '+ create in e2e-org (rename of "Prompt Injection Guard"?)');
      assert.equal(lens?.tooltip, create.rename?.hint);
    } finally {
      const deleted = await fetch(`${env.registryUrl}/api/v1/policies/${id}`, { method: 'DELETE', headers });
      assert.equal(deleted.status, 200);
      await a.plan.refresh(true);
    }
  });

  it('opens the diff between the live policy and the bundle', async () => {
    const entry = a.plan.plan.entries.find((e) => e.name === 'PII Protection')!;
    await vscode.commands.executeCommand('policyLens.sync.openDiff', entry);
    const tab = await waitFor('a diff editor', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputTextDiff ? input : undefined;
    });
    assert.equal(tab.original.scheme, 'policylens');
    const live = await vscode.workspace.openTextDocument(tab.original);
    const desired = await vscode.workspace.openTextDocument(tab.modified);
    assert.match(live.getText(), /log_only/);
    assert.match(desired.getText(), /"block"/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('with recorded events set, the Sync view shows the impact and opens the affected events', async () => {
    // Three recorded requests: one with an SSN (log_only warns, block blocks), two clean ones.
    const events = vscode.Uri.joinPath(fixture('.'), 'recorded', 'events.jsonl');
    const lines = [
      { agentId: 'support-bot', input: 'Where is order 1042?', timestamp: '2026-12-01T09:00:00Z' },
      { agentId: 'billing-bot', input: 'Refund jane, SSN 123-45-6789', timestamp: '2026-12-01T09:01:00Z' },
      { agentId: 'support-bot', input: 'Thanks!', timestamp: '2026-12-01T09:02:00Z' },
    ];
    await vscode.workspace.fs.writeFile(events, Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n')));
    await setSetting('replay.events', 'recorded/events.jsonl');
    try {
      const entry = await waitFor('the impact of the update in the plan', async () => {
        const p = await a.plan.refresh(false);
        const e = p.entries.find((x) => x.name === 'PII Protection');
        return e?.impact?.state === 'ok' ? e : undefined;
      });
      assert.deepEqual(entry.impact, {
        state: 'ok',
        events: 3,
        changed: 1,
        newlyBlocked: 1,
        newlyAllowed: 0,
      });
      const groups = a.syncTree.getChildren();
      const update = a.syncTree
        .getChildren(groups.find((g) => labelOf(a.syncTree.getTreeItem(g)).startsWith('Update'))!)
        .find((n) => labelOf(a.syncTree.getTreeItem(n)) === 'PII Protection')!;
      const item = a.syncTree.getTreeItem(update);
      assert.match(
        String(item.description),
        /^1 field · would block \+1 · allow \+0 · policies\/pii-protection\.yaml$/,
      );
      assert.equal(item.contextValue, 'entry.update.impact');
      const [impact] = a.syncTree.getChildren(update);
      const impactItem = a.syncTree.getTreeItem(impact!);
      assert.equal(labelOf(impactItem), 'would block +1 · allow +0');
      assert.equal(impactItem.description, '1 of 3 recorded events change');
      assert.equal(impactItem.command?.command, 'policyLens.replay.showAffectedEvents');

      // The view's command opens a read-only document with the affected event.
      await vscode.commands.executeCommand(
        impactItem.command!.command,
        ...(impactItem.command!.arguments ?? []),
      );
      const doc = await waitFor('the affected events document', () => {
        const d = vscode.window.activeTextEditor?.document;
        return d?.uri.scheme === 'policylens' && /affected events/.test(d.getText()) ? d : undefined;
      });
      assert.match(
        doc.getText(),
        /recorded\/events\.jsonl:2 {2}billing-bot {2}warn \(PII Protection\) → block \(PII Protection\)/,
      );
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      await setSetting('replay.events', undefined);
      await vscode.workspace.fs.delete(events);
    }
  });

  it('Apply creates and updates the policies in the registry, then the plan is in sync', async () => {
    const outcome = await vscode.commands.executeCommand<{ applied: number; failed: number; stale: boolean }>(
      'policyLens.sync.apply',
      { confirmed: true },
    );
    assert.deepEqual(outcome, { applied: 2, failed: 0, stale: false });
    const created = await registryGet(`/policies?name=${encodeURIComponent('Block Prompt Injection')}`);
    assert.equal(created.meta?.total, 1, 'the policy exists once in the registry');
    const pii = (await registryGet(`/policies?name=${encodeURIComponent('PII Protection')}`)).data as {
      enforcementMode: string;
    }[];
    assert.equal(pii[0]?.enforcementMode, 'block');
    const after = await a.plan.refresh(true);
    assert.ok(
      after.entries.length >= 3 && after.entries.every((e) => e.action === 'no-op'),
      JSON.stringify(after.entries.map((e) => [e.name, e.action])),
    );
    // The workspace's broken bundle is left out of the plan; `policylens sync` plans nothing until
    // it is fixed, so the status bar does not call the workspace in sync either.
    assert.deepEqual(
      after.invalid?.map((i) => i.uri.split('/').slice(-2).join('/')),
      ['broken/invalid-mode.policy.yaml'],
    );
    assert.equal(a.statusText(), '$(error) Policy Lens: 1 invalid bundle');
    // A policy made by hand in the org: still no change; the tooltip says it is left alone.
    const headers = { 'X-API-Key': env.apiKey, 'Content-Type': 'application/json' };
    const posted = await fetch(`${env.registryUrl}/api/v1/policies`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: 'Hand-made shell guard',
        policyType: 'tool_call',
        enforcementMode: 'block',
        isActive: false,
        ruleDefinition: { tools: ['shell'] },
      }),
    });
    assert.equal(posted.status, 201);
    const { id } = ((await posted.json()) as { data: { id: string } }).data;
    try {
      await a.plan.refresh(true);
      assert.equal(a.statusText(), '$(error) Policy Lens: 1 invalid bundle');
      assert.match(a.statusTooltip(), /1 live policy no bundle here declares is left alone/);
      const [item] = a.syncTree
        .getChildren(a.syncTree.getChildren().at(-1))
        .map((n) => a.syncTree.getTreeItem(n));
      assert.equal(labelOf(item!), 'Hand-made shell guard');
      assert.equal(item!.description, 'tool_call · inactive');
    } finally {
      const deleted = await fetch(`${env.registryUrl}/api/v1/policies/${id}`, { method: 'DELETE', headers });
      assert.equal(deleted.status, 200);
      await a.plan.refresh(true);
    }
    assert.doesNotMatch(a.statusTooltip(), /live policy/);
  });

  it('lists the history of a policy oldest first, and verifies the audit chain', async () => {
    const history = await vscode.commands.executeCommand<{ events: { eventType: string }[] }>(
      'policyLens.history.show',
      {
        name: 'PII Protection',
      },
    );
    assert.deepEqual(
      history.events.map((e) => e.eventType),
      ['policy.created', 'policy.updated'],
    );
    assert.equal(a.historyDescription(), 'PII Protection', 'the view names the policy');
    const items = a.historyTree.getChildren().map((n) => a.historyTree.getTreeItem(n));
    assert.equal(labelOf(items[0]!), 'v1 created');
    assert.equal(labelOf(items[1]!), 'v2 updated');
    assert.match(String(items[1]!.description), /enforcementMode/);
    // A click on v2 opens the diff between v1 and v2.
    await vscode.commands.executeCommand('policyLens.history.openDiff', 1);
    const tab = await waitFor('the version diff', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputTextDiff && input.original.path.includes('history')
        ? input
        : undefined;
    });
    const v1 = (await vscode.workspace.openTextDocument(tab.original)).getText();
    const v2 = (await vscode.workspace.openTextDocument(tab.modified)).getText();
    assert.match(v1, /"enforcementMode": "log_only"/);
    assert.match(v2, /"enforcementMode": "block"/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    const verified = await vscode.commands.executeCommand<boolean>('policyLens.history.verify');
    assert.equal(verified, true);
  });

  it('names the policy of a file in the History view, never its file:/// URI', async () => {
    await vscode.commands.executeCommand('policyLens.history.show', {
      uri: fixture('policies/pii-protection.yaml').toString(),
    });
    const description = await waitFor('the history of the file', () => a.historyDescription());
    assert.equal(description, 'PII Protection');
    for (const n of a.historyTree.getChildren())
      assert.doesNotMatch(labelOf(a.historyTree.getTreeItem(n)), /file:\/\//);
  });

  it('says "offline" when the live org cannot be reached', async () => {
    const url = vscode.workspace.getConfiguration('policyLens').get<string>('apiUrl');
    try {
      // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
      await setSetting('apiUrl', 'http://127.0.0.1:9');
      await waitFor('the offline state', async () => {
        await a.ready();
        return (await a.plan.refresh(true)).state === 'offline' || undefined;
      });
      assert.match(a.statusText(), /Policy Lens: offline/);
      assert.ok(a.plan.plan.message, 'the view says why');
    } finally {
      await setSetting('apiUrl', url);
      await a.ready();
    }
  });
});
