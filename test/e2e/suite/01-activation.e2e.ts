// The extension activates by itself in a workspace with policy files, and contributes what it says.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import {
  EXTENSION_ID,
  api,
  plainDiagnostic as plain,
  extensionStartLines,
  serverStartLines,
  waitFor,
} from './helpers';

describe('activation', () => {
  it('activates on a workspace with policy files, without being asked', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'the extension is installed');
    await waitFor('the extension to activate', () => ext.isActive);
  });

  it('measures activate() → the first diagnostics of the policy open at start', async () => {
    const a = await api();
    const t = await waitFor('the first diagnostics', () => {
      const x = a.timings();
      return x.firstDiagnosticsMs !== undefined ? x : undefined;
    });
    // The runner opened this file as the workbench started (HostRun `openFile`); it is recognised
    // by its content, so the time includes the switch to our language id.
    const doc = vscode.workspace.textDocuments.find((d) =>
      d.uri.path.endsWith('/policies/daily-cost-limit.yaml'),
    );
    assert.ok(doc, 'the policy opened at start is open');
    await waitFor('the policy in our language', () => doc.isClosed || doc.languageId === 'policylens-yaml');
    // The first diagnostics shown are the extension's own computation of the server's first
    // publication (client/src/earlyDiagnostics.ts), before the server could publish; the server's
    // then replaces them, equal and never doubled.
    const server = await waitFor('the server’s first publication', () => {
      const x = a.timings();
      return x.serverFirstDiagnosticsMs !== undefined ? a.firstPublications(doc.uri).server : undefined;
    });
    const t2 = a.timings();
    assert.ok(
      t2.serverReadyMs !== undefined && t2.serverReadyMs <= t2.serverFirstDiagnosticsMs!,
      JSON.stringify(t2),
    );
    assert.ok(
      t2.earlyDiagnosticsMs !== undefined && (t2.earlyDiagnosticsDocuments ?? 0) >= 1,
      JSON.stringify(t2),
    );
    assert.equal(t2.firstDiagnosticsMs, Math.min(t2.earlyDiagnosticsMs, t2.serverFirstDiagnosticsMs!));
    const early = a.firstPublications(doc.uri).early;
    assert.ok(early, 'the extension showed its diagnostics of the policy');
    // This policy is in sync and clean: both sets are empty here. The idle window's spec compares
    // sets with a finding (10-open-later), the language server's suite every lint fixture's
    // (test/lsp/first-diagnostics.test.ts).
    assert.deepEqual(early.map(plain), server.diagnostics.map(plain), 'the extension’s set is the server’s');
    assert.deepEqual(
      server.visibleBefore.map(plain),
      early.map(plain),
      'until the server’s publication, the extension’s set was shown (a language switch closes and reopens the document)',
    );
    assert.deepEqual(
      server.visible.map(plain),
      server.diagnostics.map(plain),
      'right after the server’s publication, only its set is shown: the extension’s is gone',
    );
    // The critical path starts at once: the server's process is forked and the policy's switch to
    // our language begun before the language client starts (client/src/serverProcess.ts,
    // adoption.ts), so the server is told of the policy in our language and never has to ask.
    assert.ok(t.serverForkMs !== undefined && t.serverForkMs <= t.clientStartMs!, JSON.stringify(t));
    assert.ok(
      t.earlySwitchStartedMs !== undefined && t.earlySwitchStartedMs <= t.clientStartMs!,
      `the extension began the switch before starting the server: ${JSON.stringify(t)}`,
    );
    assert.equal(t.adoptAskedMs, undefined, `the server did not have to ask: ${JSON.stringify(t)}`);
    // The policy went with `initialize`, so its diagnostics did not wait for the client's next
    // round trip (client/src/earlyDocuments.ts).
    assert.ok((t.earlyDocuments ?? 0) >= 1, `the open policy was sent with initialize: ${JSON.stringify(t)}`);
    const file = process.env.POLICYLENS_E2E_METRICS;
    if (file)
      writeFileSync(
        file,
        JSON.stringify({
          activationToFirstDiagnosticsMs: t2.firstDiagnosticsMs,
          activationToEarlyDiagnosticsMs: t2.earlyDiagnosticsMs,
          activationToServerFirstDiagnosticsMs: t2.serverFirstDiagnosticsMs,
          activationToServerReadyMs: t.serverReadyMs,
          activationToKeyReadMs: t.keyReadMs,
          activationToServerForkMs: t.serverForkMs,
          serverLog: await serverStartLines(),
          extensionLog: await extensionStartLines(),
          activationToClientStartMs: t.clientStartMs,
          activationToAdoptAskedMs: t.adoptAskedMs,
          activationToAdoptSwitchedMs: t.adoptSwitchedMs,
          activationToEarlySwitchStartedMs: t.earlySwitchStartedMs,
          activationToEarlySwitchMs: t.earlySwitchMs,
          earlyDocuments: t.earlyDocuments,
        }),
      );
  });

  it('registers its commands', async () => {
    await api();
    const commands = await vscode.commands.getCommands(true);
    for (const id of [
      'policyLens.setApiKey',
      'policyLens.signOut',
      'policyLens.sync.apply',
      'policyLens.sync.refresh',
      'policyLens.exportLiveOnly',
      'policyLens.history.show',
      'policyLens.history.verify',
      'policyLens.chain.refresh',
      'policyLens.restartServer',
    ]) {
      assert.ok(commands.includes(id), `command ${id} is registered`);
    }
  });

  it('declares its settings with descriptions', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const props = ext.packageJSON.contributes.configuration.properties as Record<
      string,
      { description?: string; markdownDescription?: string }
    >;
    for (const key of ['files', 'apiUrl', 'codeLens.enabled', 'refreshIntervalSeconds', 'trace.server']) {
      const p = props[`policyLens.${key}`];
      assert.ok(p, `policyLens.${key} is contributed`);
      assert.ok(
        (p.description ?? p.markdownDescription ?? '').length > 20,
        `policyLens.${key} has a description`,
      );
    }
  });
});
