// The extension's settings, read in one place so every part agrees on names and defaults.
import * as vscode from 'vscode';

export const SECTION = 'policyLens';

export const DEFAULT_FILES = ['**/policies/**/*.{json,yaml,yml}', '**/*.policy.{json,yaml,yml}'];

export interface Settings {
  files: string[];
  /** `policyLens.dialects`: `{ glob: dialectId }`, files read as that dialect without detection. */
  dialects: Record<string, string>;
  apiUrl: string;
  codeLens: { enabled: boolean; sync: boolean; chain: boolean };
  validate: boolean;
  /** The status bar item with the org's state; false hides it. */
  statusBar: boolean;
  refreshIntervalSeconds: number;
  /** `policyLens.replay.events`: recorded events whose replay shows each pending change's impact. */
  replayEvents: string[];
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const files = c.get<string[]>('files');
  const interval = c.get<number>('refreshIntervalSeconds', 300);
  const events = c.get<unknown>('replay.events');
  const dialects = c.get<unknown>('dialects');
  return {
    files: Array.isArray(files) && files.length > 0 ? files : DEFAULT_FILES,
    dialects: Object.fromEntries(
      Object.entries(dialects && typeof dialects === 'object' ? dialects : {}).filter(
        (e): e is [string, string] => typeof e[1] === 'string',
      ),
    ),
    apiUrl: (c.get<string>('apiUrl') ?? '').trim(),
    codeLens: {
      enabled: c.get<boolean>('codeLens.enabled', true),
      sync: c.get<boolean>('codeLens.sync', true),
      chain: c.get<boolean>('codeLens.chain', true),
    },
    validate: c.get<boolean>('validate', true),
    statusBar: c.get<boolean>('statusBar', true),
    refreshIntervalSeconds: Number.isFinite(interval) && interval >= 0 ? interval : 300,
    replayEvents: (typeof events === 'string' ? [events] : Array.isArray(events) ? events : []).filter(
      (e): e is string => typeof e === 'string' && e.trim() !== '',
    ),
  };
}

/**
 * Settings whose change needs a new server process. The others (lenses, validation, files, dialects)
 * reach the running server as configuration changes and take effect at once; the API URL travels in
 * the server's environment, and the client's own refresh timer is set up once per start.
 */
export function needsRestart(e: vscode.ConfigurationChangeEvent, trusted: boolean): boolean {
  // An untrusted workspace's server gets no configuration pushed (see languageClient.ts): any change
  // of ours reaches it only through a fresh start.
  if (!trusted) return e.affectsConfiguration(SECTION);
  return (
    e.affectsConfiguration(`${SECTION}.apiUrl`) || e.affectsConfiguration(`${SECTION}.refreshIntervalSeconds`)
  );
}
