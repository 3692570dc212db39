// Settings that take effect without a reload, seen in the real workbench.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, setSetting, waitFor } from './helpers';

describe('settings', () => {
  it('policyLens.statusBar: false hides the status bar item, true shows it again', async () => {
    const a = await api();
    await waitFor('the status bar item', () => a.statusVisible());
    try {
      await setSetting('statusBar', false);
      await waitFor('the item to hide', () => !a.statusVisible());
      assert.equal(vscode.workspace.getConfiguration('policyLens').get('statusBar'), false);
    } finally {
      await setSetting('statusBar', undefined);
    }
    await waitFor('the item to show again', () => a.statusVisible());
  });
});
