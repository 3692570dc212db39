// The API key goes into SecretStorage, and nowhere else: not the settings, not the logs, not the output
// channel (whose file is one of the logs), not the language server trace (set to verbose for this run).
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { api, env, waitFor } from './helpers';

const KEY = `plk_e2e_secret_${Date.now().toString(36)}`;

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) out.push(...filesUnder(p));
    else if (s.size < 20_000_000) out.push(p);
  }
  return out;
}

describe('API key', () => {
  it('Set API Key stores the key in secret storage', async () => {
    const a = await api();
    const stored = await vscode.commands.executeCommand<boolean>('policyLens.setApiKey', KEY);
    assert.equal(stored, true);
    await waitFor('the extension to see the key', async () => (await a.hasApiKey()) || undefined);
  });

  it('the key is in no setting', () => {
    const all = JSON.stringify(vscode.workspace.getConfiguration().inspect('policyLens') ?? {});
    assert.ok(!all.includes(KEY));
    const section = vscode.workspace.getConfiguration('policyLens');
    for (const key of ['files', 'apiUrl', 'codeLens.enabled', 'refreshIntervalSeconds', 'trace.server']) {
      const i = section.inspect(key);
      assert.ok(!JSON.stringify(i ?? {}).includes(KEY), `policyLens.${key} does not hold the key`);
    }
    assert.ok(env.userDataDir, 'the runner passes the user-data folder');
    const settings = readFileSync(join(env.userDataDir, 'User', 'settings.json'), 'utf8');
    assert.ok(!settings.includes(KEY), 'settings.json does not contain the key');
  });

  it('the key is in no log file, output channel or trace', async () => {
    // Restart the server so that a verbose trace of a whole session (initialize included) is written.
    await vscode.commands.executeCommand('policyLens.restartServer');
    await (await api()).ready();
    await vscode.commands.executeCommand('policyLens.sync.refresh');
    const logs = join(env.userDataDir, 'logs');
    const files = filesUnder(logs);
    assert.ok(files.length > 0, 'there are log files to search');
    const ours = files.filter((f) => /Policy Lens/.test(f));
    assert.ok(
      ours.length > 0,
      `the Policy Lens output channel writes a log file (searched ${files.length} files)`,
    );
    for (const f of files) {
      assert.ok(!readFileSync(f, 'utf8').includes(KEY), `${f} does not contain the key`);
    }
  });

  it('Sign Out removes the key', async () => {
    const a = await api();
    await vscode.commands.executeCommand('policyLens.signOut');
    await waitFor('the key to be gone', async () => !(await a.hasApiKey()) || undefined);
  });
});
