// The extension's settings, read in one place so every part agrees on names and defaults.
import * as vscode from 'vscode';

export const SECTION = 'policyLens';

export const DEFAULT_FILES = ['**/policies/**/*.{json,yaml,yml}', '**/*.policy.{json,yaml,yml}'];

export interface Settings {
  files: string[];
  apiUrl: string;
  codeLens: boolean;
  refreshIntervalSeconds: number;
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const files = c.get<string[]>('files');
  const interval = c.get<number>('refreshIntervalSeconds', 300);
  return {
    files: Array.isArray(files) && files.length > 0 ? files : DEFAULT_FILES,
    apiUrl: (c.get<string>('apiUrl') ?? '').trim(),
    codeLens: c.get<boolean>('codeLens.enabled', true),
    refreshIntervalSeconds: Number.isFinite(interval) && interval >= 0 ? interval : 300,
  };
}

/** Settings whose change needs a new server process (the others reach it as configuration changes). */
export function needsRestart(e: vscode.ConfigurationChangeEvent): boolean {
  return (
    e.affectsConfiguration(`${SECTION}.apiUrl`) ||
    e.affectsConfiguration(`${SECTION}.files`) ||
    e.affectsConfiguration(`${SECTION}.codeLens.enabled`) ||
    e.affectsConfiguration(`${SECTION}.refreshIntervalSeconds`)
  );
}
