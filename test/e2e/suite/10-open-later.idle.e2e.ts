// The second way the extension starts: a window that has been running for a while, with no policy in
// its folder, in which the user opens a policy file. Opening it activates the extension (its
// language, by the file's name), so the measure is the same as at the editor's start — activate()
// → the first diagnostics — but without the workbench's own start competing for the machine.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { PolicyLensApi } from '../../../client/src/extension';
import {
  EXTENSION_ID,
  api,
  plainDiagnostic,
  extensionStartLines,
  serverStartLines,
  waitFor,
  workspaceRoot,
} from './helpers';

const POLICY = [
  'name: Daily Cost Limit',
  'policyType: cost_limit',
  'enforcementMode: blok',
  'ruleDefinition:',
  '  daily_budget: 50.0',
  '',
].join('\n');

/**
 * Waits until the extension host has been quiet for `quietMs`: its event loop never late by more
 * than 20 ms (the workbench and the other extensions are done starting). On a machine loaded by
 * other work the loop may never be that punctual: after `timeoutMs` the measure goes on, and says
 * how late the loop still was.
 */
async function idle(quietMs = 2_000, timeoutMs = 30_000): Promise<{ waitedMs: number; lateMs: number }> {
  const started = Date.now();
  for (;;) {
    const h = monitorEventLoopDelay({ resolution: 10 });
    h.enable();
    await new Promise((r) => setTimeout(r, quietMs));
    h.disable();
    const lateMs = Math.round(h.max / 1e6);
    if (lateMs < 20 || Date.now() - started > timeoutMs) return { waitedMs: Date.now() - started, lateMs };
  }
}

describe('activation in an idle window', () => {
  it('measures activate() → the first diagnostics of a policy opened in a running window', async () => {
    const ext = vscode.extensions.getExtension<PolicyLensApi>(EXTENSION_ID);
    assert.ok(ext, 'the extension is installed');
    assert.equal(ext.isActive, false, 'no policy in the folder: the extension waits to be needed');
    const quiet = await idle();
    assert.equal(ext.isActive, false, 'nothing activated it meanwhile');

    const dir = join(workspaceRoot().fsPath, 'later');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'cost.policy.yaml');
    writeFileSync(file, POLICY);
    const uri = vscode.Uri.file(file);
    let diagnosedAt: number | undefined;
    const listener = vscode.languages.onDidChangeDiagnostics((e) => {
      if (diagnosedAt === undefined && e.uris.some((u) => u.fsPath === uri.fsPath))
        diagnosedAt = performance.now();
    });
    const openedAt = performance.now();
    try {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      const a = await api();
      const t = await waitFor('the first diagnostics', () => {
        const x = a.timings();
        return x.firstDiagnosticsMs !== undefined ? x : undefined;
      });
      const diagnostics = await waitFor('the finding of the policy', () => {
        const d = vscode.languages.getDiagnostics(uri);
        return d.length ? d : undefined;
      });
      assert.ok(
        diagnostics.some((d) => String(typeof d.code === 'object' ? d.code.value : d.code) === 'schema/enum'),
        JSON.stringify(diagnostics),
      );
      // The extension showed its own computation of the server's first publication first, equal to
      // the server's, which replaced it without a moment of both (client/src/earlyDiagnostics.ts).
      const server = await waitFor('the server’s first publication', () => a.firstPublications(uri).server);
      const early = a.firstPublications(uri).early;
      assert.ok(early, `the extension showed its diagnostics: ${JSON.stringify(a.timings())}`);
      assert.ok(
        early.some((d) => String(typeof d.code === 'object' ? d.code.value : d.code) === 'schema/enum'),
        'the early set has the finding',
      );
      assert.deepEqual(early.map(plainDiagnostic), server.diagnostics.map(plainDiagnostic));
      assert.deepEqual(
        server.visibleBefore.map(plainDiagnostic),
        early.map(plainDiagnostic),
        'until the server’s publication, the extension’s set was shown (a language switch closes and reopens the document)',
      );
      assert.deepEqual(server.visible.map(plainDiagnostic), server.diagnostics.map(plainDiagnostic));
      const t2 = a.timings();
      assert.ok(t2.earlyDiagnosticsMs! <= t2.serverFirstDiagnosticsMs!, JSON.stringify(t2));
      // Opened by its name in our language: no switch, and the server forked before the client.
      assert.equal(t.earlySwitchStartedMs, undefined, JSON.stringify(t));
      assert.ok(t.serverForkMs !== undefined && t.serverForkMs <= t.clientStartMs!, JSON.stringify(t));
      const out = process.env.POLICYLENS_E2E_METRICS;
      if (out)
        writeFileSync(
          out,
          JSON.stringify({
            activationToFirstDiagnosticsMs: t2.firstDiagnosticsMs,
            activationToEarlyDiagnosticsMs: t2.earlyDiagnosticsMs,
            activationToServerFirstDiagnosticsMs: t2.serverFirstDiagnosticsMs,
            activationToServerReadyMs: t.serverReadyMs,
            activationToServerForkMs: t.serverForkMs,
            activationToClientStartMs: t.clientStartMs,
            serverLog: await serverStartLines(),
            extensionLog: await extensionStartLines(),
            openToDiagnosticsMs: diagnosedAt === undefined ? undefined : Math.round(diagnosedAt - openedAt),
            idleAfterMs: quiet.waitedMs,
            eventLoopLateMs: quiet.lateMs,
            earlyDocuments: t.earlyDocuments,
          }),
        );
    } finally {
      listener.dispose();
    }
  });
});
