// "Policy Lens: Export Live-Only Policies to Bundles…": the editor's `policylens export`. The server
// computes the files (protocol/export.ts); this asks where, shows what and asks to confirm, then
// creates each file with a WorkspaceEdit whose createFile carries the text and never overwrites
// (overwrite and ignoreIfExists off: VS Code refuses a file that exists). A file created meanwhile
// under the same name is refused, said, and left alone. One edit per file, not one for the batch:
// applyEdit answers one boolean, and an edit with file creations stops at its first failure, so a
// batch could not say which file was refused. A large export shows "n of N" and can be cancelled
// between two files. Nothing is opened: the Sync view and the lenses say `= in sync` for each
// written bundle (docs/decisions/extension.md, "Export").
import * as vscode from 'vscode';
import {
  ExportFoldersRequest,
  ExportLiveOnlyRequest,
  ExportWrittenRequest,
  type ExportLiveOnlyResult,
} from '../../server/src/protocol';
import { exportCancelled, exportConfirmation, nothingToExport, refusal } from './exportWords';
import type { PlanModel } from './planModel';
import type { Session } from './session';

export interface ExportOptions {
  /** The folder's URI (skips the question); for automation and the Sync view's tests. */
  folder?: string;
  format?: 'yaml' | 'json';
  /** Skips the modal confirmation; for automation that has already shown the files. */
  confirmed?: boolean;
}

export interface ExportOutcome {
  /** The URIs created. */
  written: string[];
  /** Files refused because one of that name appeared since the preview. */
  refused: string[];
  /** The user cancelled the export part-way: the files not tried are neither written nor refused. */
  cancelled?: boolean;
}

/** From this many files on, the export shows its progress in a notification that can cancel it. */
const PROGRESS_FROM = 50;

const CHOOSE = '$(folder-opened) Choose Another Folder…';

async function pickFolder(session: Session): Promise<string | undefined> {
  const answer = await session.request(ExportFoldersRequest, {}, 'offer folders to export into');
  const folders = answer.ok ? answer.value.folders : [];
  const items: vscode.QuickPickItem[] = [
    ...folders.map((f) => ({ label: f.label, description: f.detail, uri: f.uri })),
    { label: CHOOSE },
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Policy Lens: Export Live-Only Policies to Bundles',
    placeHolder: 'The folder to write the bundles into',
  });
  if (!pick) return undefined;
  if (pick.label !== CHOOSE) return (pick as { uri?: string }).uri;
  const chosen = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: 'Export Here',
    ...(vscode.workspace.workspaceFolders?.[0]
      ? { defaultUri: vscode.workspace.workspaceFolders[0].uri }
      : {}),
  });
  return chosen?.[0]?.toString();
}

/** Says why nothing can be computed; with no org, offers to connect one. */
async function explain(r: ExportLiveOnlyResult, out: vscode.LogOutputChannel): Promise<void> {
  if (r.state === 'refused') {
    for (const line of [r.message ?? '', ...(r.details ?? [])]) out.error(line);
    void vscode.window.showErrorMessage(refusal(r));
    return;
  }
  if (r.state === 'not-configured') {
    const pick = await vscode.window.showWarningMessage(
      `Policy Lens: export reads the live org, and none is connected (${r.message ?? 'sync is not configured'}). Set policyLens.apiUrl and the API key.`,
      'Set API URL',
      'Set API Key',
    );
    if (pick === 'Set API URL')
      await vscode.commands.executeCommand('workbench.action.openSettings', 'policyLens.apiUrl');
    else if (pick === 'Set API Key') await vscode.commands.executeCommand('policyLens.setApiKey');
    return;
  }
  void vscode.window.showWarningMessage(
    `Policy Lens: the live org cannot be read, so nothing is exported. ${r.message ?? ''}`.trim(),
  );
}

/** Creates one file, never over one that exists: false when VS Code refused it. */
async function create(uri: string, text: string): Promise<boolean> {
  const edit = new vscode.WorkspaceEdit();
  edit.createFile(vscode.Uri.parse(uri), {
    overwrite: false,
    ignoreIfExists: false,
    contents: new TextEncoder().encode(text),
  });
  try {
    return await vscode.workspace.applyEdit(edit);
  } catch {
    return false;
  }
}

/**
 * Creates the files one by one; with a progress, says "n of N" before each and stops between two
 * files once cancelled (those written stay: each is a bundle the next plan reads).
 */
async function writeFiles(
  r: ExportLiveOnlyResult,
  out: vscode.LogOutputChannel,
  progress?: vscode.Progress<{ message?: string; increment?: number }>,
  token?: vscode.CancellationToken,
): Promise<ExportOutcome> {
  const outcome: ExportOutcome = { written: [], refused: [] };
  for (const [i, f] of r.files.entries()) {
    if (token?.isCancellationRequested) {
      outcome.cancelled = true;
      break;
    }
    progress?.report({ message: `${i + 1} of ${r.files.length}`, increment: 100 / r.files.length });
    if (await create(f.uri, f.text)) {
      outcome.written.push(f.uri);
      out.info(`export: wrote ${f.file} (“${f.name}”)`);
    } else {
      outcome.refused.push(f.uri);
      out.warn(`export: ${f.file} exists (it was created since the preview); nothing is overwritten`);
    }
  }
  return outcome;
}

export async function exportLiveOnly(
  session: Session,
  model: PlanModel,
  out: vscode.LogOutputChannel,
  options: ExportOptions = {},
): Promise<ExportOutcome | undefined> {
  const folder = options.folder ?? (await pickFolder(session));
  if (!folder) return undefined;
  const setting = vscode.workspace.getConfiguration('policyLens').get<string>('export.format');
  const format = options.format ?? (setting === 'json' ? 'json' : 'yaml');
  const answer = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Policy Lens: reading the live org…' },
    () => session.request(ExportLiveOnlyRequest, { folder, format }, 'export the live-only policies'),
  );
  if (!answer.ok) {
    void vscode.window.showErrorMessage(answer.message);
    return undefined;
  }
  const r = answer.value;
  if (r.state !== 'ok') {
    await explain(r, out);
    return undefined;
  }
  for (const w of r.warnings) out.warn(`export: ${w}`);
  for (const n of r.notExported) out.warn(`export: ✗ ${JSON.stringify(n.name)} not exported: ${n.reason}`);
  if (!r.files.length) {
    void vscode.window.showInformationMessage(nothingToExport(r));
    return { written: [], refused: [] };
  }
  if (!options.confirmed) {
    const { message, detail } = exportConfirmation(r);
    if ((await vscode.window.showWarningMessage(message, { modal: true, detail }, 'Write')) !== 'Write')
      return undefined;
  }
  const outcome =
    r.files.length < PROGRESS_FROM
      ? await writeFiles(r, out)
      : await vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: `Policy Lens: writing ${r.files.length} bundles into ${r.folder ?? 'the folder'}`,
            cancellable: true,
          },
          (progress, token) => writeFiles(r, out, progress, token),
        );
  if (outcome.written.length)
    await session.request(ExportWrittenRequest, { uris: outcome.written }, 'read the exported files');
  await model.refresh(false);
  const n = outcome.written.length;
  const wrote = `Policy Lens: wrote ${n} bundle${n === 1 ? '' : 's'} into ${r.folder ?? 'the folder'}`;
  if (outcome.cancelled) {
    out.warn(`export: cancelled after ${n} of ${r.files.length} files`);
    void vscode.window.showWarningMessage(exportCancelled(n, r.files.length, r.folder));
  } else if (outcome.refused.length)
    void vscode.window.showWarningMessage(
      `${wrote}; ${outcome.refused.length} not written: a file of that name was created since the preview, and nothing is overwritten. Run the command again to write ${outcome.refused.length === 1 ? 'it' : 'them'} under a free name.`,
    );
  else if (r.warnings.length || r.notExported.length)
    void vscode.window
      .showWarningMessage(`${wrote}, with warnings.`, 'Show Output')
      .then((p) => p && out.show());
  else void vscode.window.showInformationMessage(`${wrote}.`);
  return outcome;
}
