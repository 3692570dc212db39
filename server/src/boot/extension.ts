// dist/extension.js, the extension's `main`: it loads the packed bundle (bundle.ts) as VS Code loads
// the module, and hands `activate` and `deactivate` to the extension's side of it, with the
// server's first-publication code as a port (entries.ts): the client imports no server module.
import type * as vscode from 'vscode';
import type { PolicyLensApi } from '../../../client/src/extension';
import { describeLoad, loadBundle } from './bundle';
import type * as entries from './entries';

const { exports, timings } = loadBundle<typeof entries>(__filename, 'extension');

export async function activate(context: vscode.ExtensionContext): Promise<PolicyLensApi> {
  const first = async () => (await exports.firstDiagnostics()).firstDiagnostics;
  return (await exports.client()).activate(context, describeLoad(timings), first);
}

export async function deactivate(): Promise<void> {
  (await exports.client()).deactivate();
}
