// Shared helpers of the extension-host tests: the extension's API, the fixture workspace, and waiting
// for something the editor does asynchronously (polling with a deadline, never a fixed sleep).
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PolicyLensApi } from '../../../client/src/extension';

export const EXTENSION_ID = 'policy-lens.policylens';

/** What the runner tells the tests, through the code-server process's environment. */
export const env = {
  registryUrl: process.env.POLICYLENS_E2E_REGISTRY_URL ?? '',
  apiKey: process.env.POLICYLENS_E2E_API_KEY ?? '',
  userDataDir: process.env.POLICYLENS_E2E_USER_DATA ?? '',
  serverBuilt: process.env.POLICYLENS_E2E_SERVER === '1',
};

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the fixture workspace is open');
  return folder.uri;
}

export function fixture(rel: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), rel);
}

export async function api(): Promise<PolicyLensApi> {
  const ext = vscode.extensions.getExtension<PolicyLensApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
  const exports = ext.isActive ? ext.exports : await ext.activate();
  await exports.ready();
  return exports;
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 45_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${last ? `: ${last instanceof Error ? last.message : String(last)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function open(rel: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(fixture(rel));
  return vscode.window.showTextDocument(doc);
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('policyLens').update(key, value, vscode.ConfigurationTarget.Global);
}

/**
 * The language server's start-up lines (its own clock: how it loaded, `initialized at`, `first
 * diagnostics published at`) from the extension's output channel, as the workbench logged it to a
 * file under the user data folder; waits for them to be written.
 */
export function serverStartLines(): Promise<string[]> {
  return logLines(/initialized at|first diagnostics published at/, 2);
}

/**
 * The extension's own start-up lines from the same log: how its bundle loaded, and when it showed
 * the first diagnostics it computed itself (client/src/earlyDiagnostics.ts).
 */
export function extensionStartLines(): Promise<string[]> {
  return logLines(/Extension bundle loaded|computed by the extension/, 2);
}

/** The lines of the output channel's log file that match `wanted`, once there are `count`. */
function logLines(wanted: RegExp, count: number): Promise<string[]> {
  const files = (dir: string): string[] => {
    try {
      return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? files(join(dir, e.name))
          : e.name.endsWith('Policy Lens.log')
            ? [join(dir, e.name)]
            : [],
      );
    } catch {
      return [];
    }
  };
  return waitFor(
    "start-up lines in the output channel's log",
    () => {
      const lines = files(join(env.userDataDir, 'logs'))
        .flatMap((f) => readFileSync(f, 'utf8').split('\n'))
        .filter((l) => wanted.test(l))
        .map((l) => l.replace(/^.*?\] /, ''));
      return lines.length >= count ? lines : undefined;
    },
    10_000,
  ).catch(() => [] as string[]);
}

/** What a user sees of a diagnostic: where, what, how bad, which rule, from whom. */
export function plainDiagnostic(d: vscode.Diagnostic) {
  const code =
    typeof d.code === 'object' ? { value: d.code.value, target: d.code.target.toString() } : d.code;
  const { start, end } = d.range;
  return {
    range: [start.line, start.character, end.line, end.character],
    message: d.message,
    severity: d.severity,
    code,
    source: d.source,
    tags: d.tags,
    related: d.relatedInformation?.map((r) => [
      r.location.uri.toString(),
      r.location.range.start.line,
      r.message,
    ]),
  };
}
