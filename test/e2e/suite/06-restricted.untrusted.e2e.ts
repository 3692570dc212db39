// An untrusted workspace (restricted mode): the files are still validated, but nothing reaches the live
// org. The runner points policyLens.apiUrl at a loopback listener that counts requests and asserts,
// after this suite, that it received none.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, fixture, open, waitFor } from './helpers';

describe('untrusted workspace', () => {
  it('opens in restricted mode and the extension still activates', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    await api();
  });

  it('still validates policy files', async () => {
    const editor = await open('broken/invalid-mode.policy.yaml');
    await waitFor(
      'a diagnostic',
      () => vscode.languages.getDiagnostics(editor.document.uri).length > 0 || undefined,
    );
  });

  it('does not contact the live org even with a URL and a key, and says why', async () => {
    const a = await api();
    await vscode.commands.executeCommand('policyLens.setApiKey', 'plk_untrusted_key');
    await waitFor('the key', async () => (await a.hasApiKey()) || undefined);
    await a.ready();
    const plan = await a.plan.refresh(true);
    assert.equal(plan.state, 'untrusted');
    assert.match(plan.message ?? '', /not trusted/);
    // The server itself was given neither the URL nor the key.
    const direct = (await a.session.client!.sendRequest('policyLens/workspacePlan', { refresh: true })) as {
      state: string;
    };
    assert.notEqual(direct.state, 'ok');
    await open('policies/pii-protection.yaml');
    const lenses = (await a.session.client!.sendRequest('textDocument/codeLens', {
      textDocument: { uri: fixture('policies/pii-protection.yaml').toString() },
    })) as { command?: { title: string } }[] | null;
    const titles = (lenses ?? []).map((l) => l.command?.title ?? '');
    assert.ok(
      !titles.some((t) => /^[+~=] /.test(t)),
      `no plan lens in restricted mode (got ${titles.join(' | ')})`,
    );
  });
});
