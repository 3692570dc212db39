/**
 * Where the editor's export offers to write, and the files it wrote. It offers the folders the workspace's policylens.config.yaml
 * names in `include` (where its bundles belong), then each workspace folder. Only existing folders
 * inside the workspace: the editor plans only the workspace's bundles.
 */
import { FileChangeType } from 'vscode-languageserver';
import type { ExportFolder, ExportWrittenParams } from '../../protocol/index';
import type { ServerContext } from '../context';
import { pathOf } from '../settings';
import { displayFile } from '../sync/workspacePlan';

/** The workspace folder that holds a URI (the folder itself included), if any. */
export function workspaceFolderOf(ctx: ServerContext, uri: string): string | undefined {
  const path = `${pathOf(uri).replace(/\/+$/, '')}/`;
  return ctx.workspaceFolders().find((f) => path.startsWith(`${pathOf(f).replace(/\/+$/, '')}/`));
}

export async function exportFolders(ctx: ServerContext): Promise<{ folders: ExportFolder[] }> {
  const folders: ExportFolder[] = [];
  const seen = new Set<string>();
  const add = async (uri: string, detail: string) => {
    const key = pathOf(uri).replace(/\/+$/, '');
    if (seen.has(key) || !workspaceFolderOf(ctx, uri) || !(await ctx.runtime.fs.isFolder?.(uri))) return;
    seen.add(key);
    folders.push({ uri, label: displayFile(ctx, uri), detail });
  };
  await ctx.project.read();
  for (const uri of ctx.project.includedFolders())
    await add(uri, 'named in the include of policylens.config.yaml');
  for (const uri of ctx.workspaceFolders()) await add(uri, 'workspace folder');
  return { folders };
}

/**
 * The client created these files: the index reads them now, without waiting for the file watcher,
 * so that the plan asked next finds their policies declared.
 */
export async function exportWritten(ctx: ServerContext, params: ExportWrittenParams | null): Promise<void> {
  const uris = Array.isArray(params?.uris) ? params.uris.filter((u) => typeof u === 'string') : [];
  await ctx.chain.scanner.onFilesChanged(uris.map((uri) => ({ uri, type: FileChangeType.Created })));
}
