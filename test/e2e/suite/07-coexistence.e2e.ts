// A policy file next to the extensions that validate every YAML and JSON file: the stand-in for Red
// Hat YAML (test/fixtures/e2e/yaml-validator/, installed by the runner) and VS Code's built-in JSON
// features both report a key written twice, and so do we. A policy shows that problem once, ours,
// in our language; a plain YAML or JSON file keeps the other extension's diagnostic
// (docs/decisions/coexistence.md).
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { api, waitFor, workspaceRoot } from './helpers';

const VALIDATOR = 'policy-lens-tests.yaml-validator';

/** A file outside the fixture workspace, so the sync plan and the chain of the other specs stay as they are. */
function write(
  name: string,
  text: string,
  dir = mkdtempSync(join(tmpdir(), 'policylens-coexist-')),
): vscode.Uri {
  const path = join(dir, name);
  writeFileSync(path, text);
  return vscode.Uri.file(path);
}

async function show(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  return doc;
}

const current = (uri: vscode.Uri) =>
  vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
const summary = (uri: vscode.Uri) =>
  vscode.languages
    .getDiagnostics(uri)
    .map((d) => `${d.source}: ${d.message}`)
    .join('; ');

/** The diagnostics once they stopped changing for a second (a second publisher would show by then). */
async function settled(uri: vscode.Uri): Promise<vscode.Diagnostic[]> {
  let last = '';
  let since = Date.now();
  return waitFor(`the diagnostics of ${uri.fsPath} to settle`, () => {
    const now = summary(uri);
    if (now !== last) {
      last = now;
      since = Date.now();
      return undefined;
    }
    return Date.now() - since >= 1000 ? vscode.languages.getDiagnostics(uri) : undefined;
  });
}

describe('coexistence with the YAML and JSON extensions', () => {
  let validated: () => string[];

  before(async () => {
    await api();
    const ext = vscode.extensions.getExtension<{ validated(): string[] }>(VALIDATOR);
    assert.ok(ext, 'the YAML validator stand-in is installed beside Policy Lens');
    validated = (await ext.activate()).validated;
  });

  it('a YAML policy with a key written twice shows one diagnostic, ours, in our language', async () => {
    const uri = write(
      'guard.yaml',
      'name: Coexistence Guard\npolicyType: pii_access\nenforcementMode: block\nenforcementMode: warn\nruleDefinition: {}\n',
    );
    await show(uri);
    await waitFor('the switch to policylens-yaml', () => current(uri)?.languageId === 'policylens-yaml');
    assert.ok(
      validated().includes(`${uri.toString()} yaml`),
      'the validator saw the file while it was YAML (so it would have reported the key)',
    );
    await waitFor('our diagnostic', () => vscode.languages.getDiagnostics(uri).length > 0);
    const all = await settled(uri);
    assert.equal(all.length, 1, summary(uri));
    assert.equal(all[0]!.source, 'policy-lens');
    assert.equal(typeof all[0]!.code === 'object' ? all[0]!.code.value : all[0]!.code, 'parse/duplicate-key');
    assert.equal(all[0]!.range.start.line, 3);
  });

  it('a plain YAML file keeps the other extension’s diagnostic and its language', async () => {
    const uri = write('settings.yaml', 'retries: 1\nretries: 2\n');
    await show(uri);
    await waitFor('the validator’s diagnostic', () => vscode.languages.getDiagnostics(uri).length > 0);
    const all = await settled(uri);
    assert.deepEqual(
      all.map((d) => [d.source, d.range.start.line]),
      [['yaml-validator', 1]],
    );
    assert.equal(current(uri)?.languageId, 'yaml');
  });

  it('a JSON policy with a key written twice shows one diagnostic, not the built-in JSON one too', async () => {
    const uri = write(
      'guard.json',
      '{\n  "name": "Coexistence Json",\n  "policyType": "pii_access",\n  "policyType": "pii_access",\n  "enforcementMode": "block",\n  "ruleDefinition": {}\n}\n',
    );
    await show(uri);
    await waitFor('the switch to policylens-json', () => current(uri)?.languageId === 'policylens-json');
    await waitFor('our diagnostic', () => vscode.languages.getDiagnostics(uri).length > 0);
    const all = await settled(uri);
    assert.equal(all.length, 1, summary(uri));
    assert.equal(all[0]!.source, 'policy-lens');
  });

  it('a plain JSON file keeps the built-in JSON diagnostic', async () => {
    const uri = write('data.json', '{\n  "a": 1,\n  "a": 2\n}\n');
    await show(uri);
    await waitFor('the built-in JSON diagnostic', () => vscode.languages.getDiagnostics(uri).length > 0);
    const all = await settled(uri);
    assert.ok(all.length > 0 && all.every((d) => d.source !== 'policy-lens'), summary(uri));
    assert.equal(current(uri)?.languageId, 'json');
  });

  /** One diagnostic, ours, on the line of the key written twice; none from the YAML validator. */
  async function oneOursOnLine(uri: vscode.Uri, line: number): Promise<void> {
    await waitFor('our diagnostic', () => vscode.languages.getDiagnostics(uri).length > 0);
    const all = await settled(uri);
    assert.ok(
      all.every((d) => d.source === 'policy-lens'),
      `only ours: ${summary(uri)}`,
    );
    assert.equal(all.filter((d) => d.range.start.line === line).length, 1, summary(uri));
    assert.ok(!validated().includes(`${uri.toString()} yaml`), 'the YAML validator never saw it as YAML');
  }

  it('a policy test file (with a yaml-language-server modeline) is ours by its name: one diagnostic', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'policylens-coexist-'));
    write(
      'guard.policy.yaml',
      'name: Coexistence Guard\npolicyType: pii_access\nenforcementMode: block\nruleDefinition: {}\n',
      dir,
    );
    const uri = write(
      'guard.policytest.yaml',
      '# yaml-language-server: $schema=../schemas/policylens/policytest.schema.json\npolicies: guard.policy.yaml\ncases:\n  - name: a plain request is allowed\n    event: {input: hello}\n    expect: {decision: allow}\npolicies: guard.policy.yaml\n',
      dir,
    );
    const doc = await show(uri);
    assert.equal(doc.languageId, 'policylens-yaml');
    await oneOursOnLine(uri, 6);
  });

  it('a JSON policy test file is ours too: the built-in JSON features do not report it again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'policylens-coexist-'));
    write(
      'guard.policy.yaml',
      'name: Coexistence Guard\npolicyType: pii_access\nenforcementMode: block\nruleDefinition: {}\n',
      dir,
    );
    const uri = write(
      'guard.policytest.json',
      '{\n  "policies": "guard.policy.yaml",\n  "policies": "guard.policy.yaml",\n  "cases": [{"name": "allowed", "event": {"input": "hello"}, "expect": {"decision": "allow"}}]\n}\n',
      dir,
    );
    const doc = await show(uri);
    assert.equal(doc.languageId, 'policylens-json');
    await oneOursOnLine(uri, 2);
  });

  it('policylens.config.yaml is ours by its name: one diagnostic per problem', async () => {
    // The workspace's own config (the server reads the one at the folder's root). A config with
    // problems is not applied, so the other specs' files stay as they are.
    const uri = write(
      'policylens.config.yaml',
      'gitignore: true\ngitignore: false\n',
      workspaceRoot().fsPath,
    );
    try {
      const doc = await show(uri);
      assert.equal(doc.languageId, 'policylens-yaml');
      await oneOursOnLine(uri, 1);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      rmSync(uri.fsPath, { force: true });
    }
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
