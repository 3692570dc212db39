import type { FindingCode } from '../rules';

/** What a project may set a finding code to (`rules:` in policylens.config.yaml). */
export type RuleSetting = 'off' | 'warning' | 'error';
export const RULE_SETTINGS: readonly RuleSetting[] = ['off', 'warning', 'error'];

export type RuleSettings = Partial<Record<FindingCode, RuleSetting>>;

/** Settings for the files matching some globs: the JSON counterpart of an inline suppression. */
export interface ConfigOverride {
  files: string[];
  rules: RuleSettings;
}

/**
 * A project's `policylens.config.yaml`, read and checked (read.ts). Globs are relative to the
 * directory of the config file and use `/` on every platform.
 */
export interface ProjectConfig {
  /** The files that are linted when a directory is walked; empty means every .json/.yaml/.yml. */
  include: string[];
  /** Files never linted when a directory is walked (on top of .gitignore). */
  exclude: string[];
  /** `{glob: dialectId}`: matching files are read as that dialect, without detection. */
  dialects: Record<string, string>;
  /** Per-code severity for the whole project. */
  rules: RuleSettings;
  /** Per-glob rule settings, later entries winning. */
  overrides: ConfigOverride[];
  /** Whether .gitignore files are honoured when walking directories (default true). */
  gitignore: boolean;
  /** The live org's API URL, for chain --live, sync and the editor (the key is never here). */
  live?: { url: string };
  /**
   * Recorded traffic (JSON Lines, plain or gzip) whose replay the editor shows under each pending
   * sync change; paths relative to the config's directory.
   */
  replay?: { events: string[] };
}

export function emptyConfig(): ProjectConfig {
  return { include: [], exclude: [], dialects: {}, rules: {}, overrides: [], gitignore: true };
}

/** A problem of the config file itself: a usage error, with its place in the file. */
export interface ConfigProblem {
  message: string;
  /** Zero-based offsets into the config text. */
  span: { start: number; end: number };
}

/** The name of the config file, searched from a linted path (or a workspace folder) upwards. */
export const CONFIG_FILE_NAME = 'policylens.config.yaml';
