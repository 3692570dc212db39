import { MessageType, ShowMessageNotification, type WorkspaceEdit } from 'vscode-languageserver';
import { stringify } from 'yaml';
import { URI, Utils } from 'vscode-uri';
import type { ServerContext } from '../context';
import { isYamlOrJsonName } from '../settings';
import { BASELINE_POLICIES, slugOf } from './policies';

export const ADD_BASELINE_COMMAND = 'policyLens.addBaselinePolicies';

export interface AddBaselineArgs {
  /** The folder to write the bundles into; default `<first workspace folder>/policies`. */
  folder?: string;
  language?: 'yaml' | 'json';
}

export interface AddBaselineResult {
  applied: boolean;
  /** Policies the client accepted: files created, or (`unsaved`) new buffers it must save. */
  created: string[];
  /**
   * True when the client could not create files and was sent text edits to the new files instead:
   * the bundles exist only once the user saves those buffers.
   */
  unsaved?: boolean;
  /** Policies not written, with the reason. */
  skipped: { name: string; reason: string }[];
  message?: string;
}

/** Names of every policy in the workspace: open documents and policy files on disk. */
async function existingNames(ctx: ServerContext): Promise<Set<string>> {
  const names = new Set<string>();
  const seen = new Set<string>();
  for (const doc of ctx.documents.all()) {
    seen.add(doc.uri);
    const name = doc.analysis.dialect.summary?.(doc.analysis.doc?.value).name;
    if (name) names.add(name);
  }
  for (const folder of ctx.workspaceFolders()) {
    const uris = await ctx.runtime.fs.listFiles(folder, (u) => isYamlOrJsonName(u), 5000);
    for (const uri of uris) {
      if (seen.has(uri)) continue;
      const text = await ctx.runtime.fs.readFile(uri);
      if (text === undefined || text.length > 512 * 1024) continue;
      const analysis = ctx.documents.analyzeText(uri, text);
      const name = analysis.dialect.summary?.(analysis.doc?.value).name;
      if (name) names.add(name);
    }
  }
  return names;
}

/** The edit that writes the baseline bundles missing from the workspace into `folder`. */
export async function baselineEdit(
  ctx: ServerContext,
  args: AddBaselineArgs,
): Promise<{ edit?: WorkspaceEdit } & AddBaselineResult> {
  const folders = ctx.workspaceFolders();
  const folder =
    args.folder ?? (folders[0] ? Utils.joinPath(URI.parse(folders[0]), 'policies').toString() : undefined);
  if (!folder)
    return { applied: false, created: [], skipped: [], message: 'no workspace folder to write into' };
  const language = args.language ?? 'yaml';
  const names = await existingNames(ctx);
  const created: string[] = [];
  const skipped: AddBaselineResult['skipped'] = [];
  const documentChanges: NonNullable<WorkspaceEdit['documentChanges']> = [];
  for (const policy of BASELINE_POLICIES) {
    const name = String(policy.name);
    if (names.has(name)) {
      skipped.push({ name, reason: 'a policy with this name exists in the workspace' });
      continue;
    }
    const uri = Utils.joinPath(
      URI.parse(folder),
      `${slugOf(name)}.${language === 'json' ? 'json' : 'yaml'}`,
    ).toString();
    if (ctx.documents.textDocuments.get(uri) || (await ctx.runtime.fs.exists(uri))) {
      skipped.push({ name, reason: `the file ${uri} exists` });
      continue;
    }
    const text =
      language === 'json' ? JSON.stringify(policy, null, 2) + '\n' : stringify(policy, { lineWidth: 0 });
    documentChanges.push({ kind: 'create', uri, options: { overwrite: false, ignoreIfExists: true } });
    documentChanges.push({
      textDocument: { uri, version: null },
      edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: text }],
    });
    created.push(name);
  }
  return { edit: documentChanges.length ? { documentChanges } : undefined, applied: false, created, skipped };
}

/** Registers `policyLens.addBaselinePolicies`: writes the bundles through `workspace/applyEdit`. */
export function registerBaselineCommand(ctx: ServerContext): void {
  ctx.commands.register(ADD_BASELINE_COMMAND, async (args): Promise<AddBaselineResult> => {
    const raw = args[0];
    const opts: AddBaselineArgs =
      typeof raw === 'string' ? { folder: raw } : ((raw as AddBaselineArgs) ?? {});
    const { edit, ...result } = await baselineEdit(ctx, opts);
    if (!edit) return { ...result, message: result.message ?? 'every baseline policy exists already' };
    const workspace = ctx.clientCapabilities().workspace;
    const nothing = { ...result, applied: false, created: [] as string[] };
    if (!workspace?.applyEdit)
      return { ...nothing, message: 'the client cannot apply workspace edits, so nothing was created' };
    const ws = workspace.workspaceEdit;
    if (ws?.documentChanges && ws.resourceOperations?.includes('create')) {
      const applied = await ctx.connection.workspace.applyEdit({ label: 'Add the baseline policies', edit });
      return applied.applied
        ? { ...result, applied: true }
        : { ...nothing, message: applied.failureReason ?? 'the client did not apply the edit' };
    }
    // No file creation: the same texts as plain edits to the new files' URIs. Clients that take
    // them (Neovim opens each as a new buffer) leave the files to be saved, which the user is told.
    const changes: NonNullable<WorkspaceEdit['changes']> = {};
    for (const change of edit.documentChanges ?? [])
      if ('textDocument' in change)
        changes[change.textDocument.uri] = change.edits.flatMap((e) =>
          'newText' in e ? [{ range: e.range, newText: e.newText }] : [],
        );
    const applied = await ctx.connection.workspace.applyEdit({
      label: 'Add the baseline policies',
      edit: { changes },
    });
    if (!applied.applied)
      return {
        ...nothing,
        message: applied.failureReason ?? 'the client could not create the files, so nothing was created',
      };
    const message = `${result.created.length} baseline ${result.created.length === 1 ? 'policy was' : 'policies were'} opened as new buffers; save them to create the files.`;
    // A notification, not showMessageRequest: every client shows it, and nothing waits for an answer.
    void ctx.connection.sendNotification(ShowMessageNotification.type, {
      type: MessageType.Info,
      message: `Policy Lens: ${message}`,
    });
    return { ...result, applied: true, unsaved: true, message };
  });
}
