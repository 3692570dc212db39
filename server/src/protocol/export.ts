// Export in the editor: the live policies no bundle declares, written as bundles into a folder of the
// workspace, as `policylens export <dir>` writes them (the same file names, texts and words). The
// server computes everything; the client asks where, shows what, and creates the files.
import { RequestType } from 'vscode-languageserver-protocol';
import type { LiveState } from './sync';

/** A folder the command offers to write into. */
export interface ExportFolder {
  uri: string;
  /** As the quick pick shows it: the workspace-relative path, or the workspace folder's name. */
  label: string;
  /** Why it is offered (`the folder policylens.config.yaml includes`, `workspace folder`). */
  detail: string;
}

/** `policyLens/exportFolders`: the folders to offer, the likeliest first (those the config names). */
export const ExportFoldersRequest = new RequestType<Record<string, never>, { folders: ExportFolder[] }, void>(
  'policyLens/exportFolders',
);

export interface ExportLiveOnlyParams {
  /** The folder to write into: a URI inside a workspace folder. */
  folder: string;
  /** The files' format, as `policylens export --format` (default yaml). */
  format?: 'yaml' | 'json';
}

/** One file to create: never over a file that exists (the client creates it with overwrite off). */
export interface ExportedFile {
  /** The policy's name. */
  name: string;
  uri: string;
  /** Its path relative to the workspace folder, as the plan prints it. */
  file: string;
  text: string;
}

export interface ExportLiveOnlyResult {
  /**
   * `ok`: computed against a fresh read of the org (`files` may be empty: nothing to export);
   * `refused`: the folder cannot be written into, or invalid bundles stop the export (`message`,
   * and `details` in the CLI's words); the live states say why the org was not read.
   */
  state: LiveState | 'refused';
  message?: string;
  details?: string[];
  org?: string;
  /** The folder, as shown. */
  folder?: string;
  files: ExportedFile[];
  /** Live policies that get no file, and why (the CLI's ✗ rows). */
  notExported: { name: string; reason: string }[];
  /** What `policylens export` says on stderr about the files it writes. */
  warnings: string[];
  /** How many live policies a bundle of the workspace declares already (left alone). */
  declared: number;
}

/**
 * `policyLens/exportLiveOnly`: what an export into the folder would write, computed against a fresh
 * read of the live org and the workspace's bundles (the Sync view's "Live only" group). Writes
 * nothing.
 */
export const ExportLiveOnlyRequest = new RequestType<ExportLiveOnlyParams, ExportLiveOnlyResult, void>(
  'policyLens/exportLiveOnly',
);

export interface ExportWrittenParams {
  /** The files the client created. */
  uris: string[];
}

/**
 * `policyLens/exportWritten`: the client created these files; the server indexes them before it
 * answers (without waiting for the file watcher) and tells the views and lenses that the plan
 * changed, so the next plan finds the exported policies in sync.
 */
export const ExportWrittenRequest = new RequestType<ExportWrittenParams, null, void>(
  'policyLens/exportWritten',
);

/** The command (client side) and the Sync view's context value of the Live-only group. */
export const EXPORT_LIVE_ONLY_COMMAND = 'policyLens.exportLiveOnly';
