// dist/extension.js, the extension's `main`: it loads the packed bundle (bundle.ts) as VS Code loads
// the module, and hands `activate` and `deactivate` to the extension's side of it.
import type * as vscode from 'vscode';
import type { PolicyLensApi } from '../../../client/src/extension';
import { describeLoad, loadBundle } from './bundle';
import type * as entries from './entries';

const { exports, timings } = loadBundle<typeof entries>(__filename, 'extension');

export async function activate(context: vscode.ExtensionContext): Promise<PolicyLensApi> {
  return (await exports.client()).activate(context, describeLoad(timings));
}

export async function deactivate(): Promise<void> {
  (await exports.client()).deactivate();
}
