// The language server through the real client: diagnostics, completion, a quick-fix, and surviving the
// death of its process.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, open, waitFor } from './helpers';

const BROKEN = 'broken/invalid-mode.policy.yaml';

function diagnosticsOf(uri: vscode.Uri, code?: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => {
    const c = typeof d.code === 'object' ? d.code.value : d.code;
    return code === undefined || c === code;
  });
}

describe('language server', () => {
  it('publishes the finding of a broken bundle', async () => {
    await api();
    const editor = await open(BROKEN);
    const found = await waitFor('a schema/enum diagnostic', () => {
      const d = diagnosticsOf(editor.document.uri, 'schema/enum');
      return d.length ? d : undefined;
    });
    assert.equal(found[0]!.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(found[0]!.range.start.line, 2, 'on the enforcementMode line');
    assert.match(found[0]!.message, /allow/);
    const code = found[0]!.code;
    assert.ok(
      typeof code === 'object' && code.target.toString().length > 0,
      'the code links to its documentation page',
    );
  });

  it('completes policyType values', async () => {
    const editor = await open(BROKEN);
    const line = editor.document.lineAt(1).text;
    assert.ok(line.startsWith('policyType:'));
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      editor.document.uri,
      new vscode.Position(1, line.length),
    );
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const v of ['pii_access', 'cost_limit', 'injection_scan'])
      assert.ok(labels.includes(v), `offers ${v} (got ${labels.join(', ')})`);
  });

  it('applies the quick-fix for an invalid enforcementMode', async () => {
    const editor = await open(BROKEN);
    const [diag] = await waitFor('the diagnostic', () => {
      const d = diagnosticsOf(editor.document.uri, 'schema/enum');
      return d.length ? d : undefined;
    });
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      editor.document.uri,
      diag!.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a) => a.isPreferred) ?? actions.find((a) => a.edit);
    assert.ok(
      fix?.edit,
      `a quick-fix with an edit is offered (got ${actions.map((a) => a.title).join('; ')})`,
    );
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    const mode = editor.document.lineAt(2).text;
    assert.match(mode, /^enforcementMode: (block|log_only|require_approval|monitor|warn)\s*$/);
    await waitFor('the diagnostic to clear', () =>
      diagnosticsOf(editor.document.uri, 'schema/enum').length === 0 ? true : undefined,
    );
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('restarts the server once when its process dies, and keeps working', async () => {
    const a = await api();
    const pid = a.serverPid();
    assert.ok(pid, 'the server process is known');
    const before = a.restartPolicy.restarts;
    process.kill(pid, 'SIGKILL');
    await waitFor('a new server process', () => {
      const now = a.serverPid();
      return now && now !== pid && a.session.running ? now : undefined;
    });
    assert.equal(a.restartPolicy.restarts, before + 1);
    const editor = await open(BROKEN);
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    await editor.edit((e) => e.insert(end, '\nunknownKey: 1\n'));
    await waitFor(
      'diagnostics from the restarted server',
      () =>
        vscode.languages.getDiagnostics(editor.document.uri).some((d) => /unknownKey/.test(d.message)) ||
        undefined,
    );
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
