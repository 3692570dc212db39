// Policy tests in the Test Explorer: the controller discovers tests/baseline.policytest.yaml and its
// cases at their `expect` lines, a run passes and fails the right cases (through the language
// server), a failure is marked at its `expect` with expected vs actual, and a continuous run runs
// again when a policy is saved.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, fixture, open, waitFor } from './helpers';

const TEST_FILE = 'tests/baseline.policytest.yaml';
const OUTPUT_CASE = "an injection in the model's output is blocked";

describe('policy tests in the Test Explorer', () => {
  const caseId = (name: string) => `${fixture(TEST_FILE).toString()}#${name}`;

  it('discovers the test file and places each case at its expect line', async () => {
    const { policyTests } = await api();
    await policyTests.discover();
    const file = await waitFor('the test file in the Test Explorer', () => {
      const item = policyTests.controller.items.get(fixture(TEST_FILE).toString());
      return item && item.children.size === 3 ? item : undefined;
    });
    assert.equal(file.label, TEST_FILE);
    const lines = (await vscode.workspace.openTextDocument(fixture(TEST_FILE))).getText().split('\n');
    file.children.forEach((c) => {
      assert.ok(c.range, `${c.label} has a range`);
      assert.match(lines[c.range.start.line], /^\s*expect:/, `${c.label} sits at its expect`);
    });
  });

  it('a run passes the passing cases and fails the failing one at its expect, expected vs actual', async () => {
    const { policyTests } = await api();
    const before = policyTests.runs();
    const cts = new vscode.CancellationTokenSource();
    await policyTests.profile.runHandler(new vscode.TestRunRequest(), cts.token);
    assert.equal(policyTests.runs(), before + 1);
    const outcome = (name: string) => policyTests.outcomes.get(caseId(name));
    assert.equal(outcome('a prompt injection in the input is blocked')?.state, 'passed');
    assert.equal(outcome('one execution above 5 USD is blocked')?.state, 'passed');
    const failed = outcome(OUTPUT_CASE);
    assert.equal(failed?.state, 'failed');
    assert.equal(failed.expected, 'decision: block');
    assert.equal(failed.actual, 'decision: allow');
    assert.match(failed.message ?? '', /decision: expected block, got allow/);
    const item = policyTests.controller.items
      .get(fixture(TEST_FILE).toString())!
      .children.get(caseId(OUTPUT_CASE))!;
    assert.equal(failed.line, item.range!.start.line, 'the failure is marked at the case’s expect line');
  });

  it('a continuous run runs again when a policy is saved', async () => {
    const { policyTests } = await api();
    const cts = new vscode.CancellationTokenSource();
    const request = new vscode.TestRunRequest(undefined, undefined, policyTests.profile, true);
    await policyTests.profile.runHandler(request, cts.token);
    assert.equal(policyTests.outcomes.get(caseId(OUTPUT_CASE))?.state, 'failed');
    const uri = fixture('policies/block-prompt-injection.json');
    await open('policies/block-prompt-injection.json');
    // Through the document, not an editor: the language switch of a policy may replace the editor.
    const rewrite = async (change: (t: string) => string) => {
      const doc = await vscode.workspace.openTextDocument(uri);
      const text = doc.getText();
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(text.length)), change(text));
      assert.ok(await vscode.workspace.applyEdit(edit));
      // A save can be refused while the workbench is busy with the document: it is asked again.
      await waitFor('the policy saved', async () => {
        const now = await vscode.workspace.openTextDocument(uri);
        return !now.isDirty || (await now.save());
      });
      return text;
    };
    const runs = policyTests.runs();
    let original = '';
    try {
      // Scanning the output too makes the failing case pass: saving is enough, no run is asked for.
      original = await rewrite((t) => t.replace('"scan_output": false', '"scan_output": true'));
      await waitFor('a run after the save', () => policyTests.runs() > runs);
      await waitFor(
        'the output case passing',
        () => policyTests.outcomes.get(caseId(OUTPUT_CASE))?.state === 'passed',
      );
    } finally {
      cts.cancel();
    }
    // Cancelled: saving the policy back runs nothing more.
    const atCancel = policyTests.runs();
    await rewrite(() => original);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(policyTests.runs(), atCancel);
  });
});
