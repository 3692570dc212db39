import { URI, Utils } from 'vscode-uri';
import { GitIgnore, gitDirFromFile } from '../core/index';
import type { FileSystem } from './runtime';

/**
 * The files of a workspace scan that git does not ignore, as `policylens lint` walks a folder
 * (cli/files.ts): the repository's root is the nearest folder above (or at) the workspace folder
 * with a `.git`, and every `.gitignore` from the root down to a file's folder applies, deeper ones
 * winning. As lint's walk starts at the folder it is given, only the folders below the workspace
 * folder (and the file itself) are matched: a workspace folder that the enclosing repository ignores
 * (a generated or vendored tree opened on its own) is scanned, as lint lints it. Outside a repository
 * nothing is filtered. The files were listed already: this reads each folder's `.gitignore` at most
 * once, decides each folder once, and gives way to requests between slices (`pause`).
 */
export async function withoutGitIgnored(
  fs: FileSystem,
  folderUri: string,
  uris: readonly string[],
  pause: () => Promise<void> = () => Promise.resolve(),
): Promise<string[]> {
  const keeps = await gitKeeps(fs, folderUri);
  if (!keeps) return [...uris];
  const out: string[] = [];
  for (const uri of uris) {
    await pause();
    if (await keeps(uri)) out.push(uri);
  }
  return out;
}

/**
 * The same decision one file at a time, for a listing that counts only the files git keeps (the
 * scan's limit): whether git keeps a file under the workspace folder. Undefined outside a
 * repository, where nothing is filtered.
 */
export async function gitKeeps(
  fs: FileSystem,
  folderUri: string,
): Promise<((uri: string) => Promise<boolean>) | undefined> {
  let root: URI | undefined;
  const folder = URI.parse(folderUri);
  for (let dir = folder; ;) {
    if (await fs.exists(Utils.joinPath(dir, '.git').toString())) {
      root = dir;
      break;
    }
    const up = Utils.dirname(dir);
    if (up.path === dir.path) break;
    dir = up;
  }
  if (!root) return undefined;
  const base = root.path.replace(/\/*$/, '/');
  const folderPath = folder.path.replace(/\/*$/, '/');
  // How many leading path segments are the workspace folder (relative to the root): never matched.
  const start = folderPath.startsWith(base) ? folderPath.slice(base.length).split('/').length - 1 : 0;
  const ignore = new GitIgnore();
  await addGitExclude(fs, root, ignore);
  const read = new Set<string>();
  /** Folders (relative to the root) already decided: ignored themselves, or under one that is. */
  const ignoredDir = new Map<string, boolean>();
  /** Whether a folder (relative to the root) holds nothing git keeps: decided once per folder. */
  const dirDecided = new Map<string, boolean>();
  const decideDir = async (dir: string): Promise<boolean> => {
    const parts = dir ? dir.split('/') : [];
    // The .gitignore files on the way, from the root down (each read once for the whole scan).
    for (let i = 0; i <= parts.length; i++) {
      const on = parts.slice(0, i).join('/');
      if (read.has(on)) continue;
      read.add(on);
      const text = await fs.readFile(Utils.joinPath(root, on, '.gitignore').toString(), 1 << 20);
      if (text !== undefined) ignore.add(on, text);
    }
    // The folders below the workspace folder, top down: inside an ignored folder, everything is.
    for (let i = start + 1; i <= parts.length; i++) {
      const on = parts.slice(0, i).join('/');
      let decided = ignoredDir.get(on);
      if (decided === undefined) ignoredDir.set(on, (decided = ignore.ignoresEntry(on, true)));
      if (decided) return true;
    }
    return false;
  };
  return async (uri) => {
    const path = URI.parse(uri).path;
    if (!path.startsWith(base)) return true;
    const rel = path.slice(base.length);
    const slash = rel.lastIndexOf('/');
    const dir = slash < 0 ? '' : rel.slice(0, slash);
    let skipped = dirDecided.get(dir);
    if (skipped === undefined) dirDecided.set(dir, (skipped = await decideDir(dir)));
    return !skipped && !ignore.ignoresEntry(rel, false);
  };
}

/**
 * Adds the repository's `info/exclude` as rules of the root, before any .gitignore (which overrides
 * it, as in git), as `policylens lint` does (cli/project.ts). A linked worktree's or a submodule's
 * `.git` is a file naming the git directory; a worktree's shares `info/` with the main one
 * (`commondir`). The file is not watched: a change to it is seen at the next scan.
 */
/** A path git wrote absolute: `/…`, or on Windows `C:/…`. */
const ABSOLUTE = /^(?:[A-Za-z]:)?[\\/]/;

async function addGitExclude(fs: FileSystem, root: URI, ignore: GitIgnore): Promise<void> {
  let gitDir = Utils.joinPath(root, '.git');
  const dotGit = await fs.readFile(gitDir.toString(), 1 << 16);
  if (dotGit !== undefined) {
    const named = gitDirFromFile(dotGit);
    if (!named) return;
    gitDir = ABSOLUTE.test(named) ? URI.file(named) : Utils.resolvePath(root, named);
  }
  const common = await fs.readFile(Utils.joinPath(gitDir, 'commondir').toString(), 1 << 16);
  if (common !== undefined) {
    const c = common.trim();
    gitDir = ABSOLUTE.test(c) ? URI.file(c) : Utils.resolvePath(gitDir, c);
  }
  const text = await fs.readFile(Utils.joinPath(gitDir, 'info', 'exclude').toString(), 1 << 20);
  if (text !== undefined) ignore.add('', text);
}
