/**
 * Where the editor's export offers to write, and the files it wrote. It offers the folders the workspace's policylens.config.yaml
 * names in `include` (where its bundles belong), then each workspace folder. Only existing folders
 * the workspace scan reads (inside a workspace folder, reached without a symbolic link): the editor
 * plans only the bundles its scan reads.
 */
import { FileChangeType } from 'vscode-languageserver';
import { URI, Utils } from 'vscode-uri';
import type { ExportFolder, ExportWrittenParams } from '../../protocol/index';
import type { ServerContext } from '../context';
import { folderPath } from '../settings';
import { displayFile } from '../sync/workspacePlan';

/**
 * The folder as the workspace scan reaches it: the same folder spelled from a workspace folder
 * with no symbolic link on the way (the scan follows none), or undefined when it is outside every
 * workspace folder once its links are resolved. Where the runtime cannot tell, the URI as given.
 */
export async function scannedFolder(ctx: ServerContext, uri: string): Promise<string | undefined> {
  const realPath = ctx.runtime.fs.realPath;
  const real = realPath && (await realPath(uri));
  if (!realPath || real === undefined) return uri;
  const target = folderPath(real);
  for (const folder of ctx.workspaceFolders()) {
    const root = await realPath(folder);
    if (root === undefined) continue;
    const base = folderPath(root);
    if (target === base) return folder;
    if (target.startsWith(base))
      return Utils.joinPath(URI.parse(folder), ...target.slice(base.length, -1).split('/')).toString();
  }
  return undefined;
}

/** The workspace folder that holds a URI (the folder itself included), if any. */
export function workspaceFolderOf(ctx: ServerContext, uri: string): string | undefined {
  const path = folderPath(uri);
  return ctx.workspaceFolders().find((f) => path.startsWith(folderPath(f)));
}

export async function exportFolders(ctx: ServerContext): Promise<{ folders: ExportFolder[] }> {
  const folders: ExportFolder[] = [];
  const seen = new Set<string>();
  const add = async (given: string, detail: string) => {
    if (!workspaceFolderOf(ctx, given) || !(await ctx.runtime.fs.isFolder?.(given))) return;
    // Offered as the scan reaches it (a link to a folder of the workspace: that folder), and not at
    // all when the scan never does (a link out of the workspace).
    const uri = await scannedFolder(ctx, given);
    const key = uri === undefined ? '' : folderPath(uri);
    if (uri === undefined || seen.has(key)) return;
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
