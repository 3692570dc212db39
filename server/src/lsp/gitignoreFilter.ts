import { URI, Utils } from 'vscode-uri';
import { GitIgnore } from '../core/index';
import type { FileSystem } from './runtime';

/**
 * The files of a workspace scan that git does not ignore, as `policylens lint` walks a folder
 * (cli/project.ts): the repository's root is the nearest folder above (or at) the workspace folder
 * with a `.git`, and every `.gitignore` from the root down to a file's folder applies, deeper ones
 * winning. Outside a repository nothing is filtered. The files were listed already: this reads
 * each folder's `.gitignore` at most once.
 */
export async function withoutGitIgnored(
  fs: FileSystem,
  folderUri: string,
  uris: readonly string[],
): Promise<string[]> {
  let root: URI | undefined;
  for (let dir = URI.parse(folderUri); ;) {
    if (await fs.exists(Utils.joinPath(dir, '.git').toString())) {
      root = dir;
      break;
    }
    const up = Utils.dirname(dir);
    if (up.path === dir.path) break;
    dir = up;
  }
  if (!root) return [...uris];
  const base = root.path.replace(/\/*$/, '/');
  const ignore = new GitIgnore();
  const read = new Set<string>();
  const out: string[] = [];
  for (const uri of uris) {
    const path = URI.parse(uri).path;
    if (!path.startsWith(base)) {
      out.push(uri);
      continue;
    }
    const rel = path.slice(base.length);
    const parts = rel.split('/');
    // The .gitignore files on the way, from the root down (each read once for the whole scan).
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (read.has(dir)) continue;
      read.add(dir);
      const text = await fs.readFile(Utils.joinPath(root, dir, '.gitignore').toString(), 1 << 20);
      if (text !== undefined) ignore.add(dir, text);
    }
    if (!ignore.ignores(rel)) out.push(uri);
  }
  return out;
}
