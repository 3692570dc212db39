import { FileChangeType, type FileEvent } from 'vscode-languageserver';
import { isYamlOrJsonName } from './settings';

/** A path with a `.git` segment: git's own files (`index.lock` comes and goes at every command). */
const UNDER_GIT = /\/\.git(\/|$)/;

/**
 * The folders that hold a YAML/JSON file the server knows of: one the workspace scan listed, one an
 * event named, an open document's. A deletion of anything else (a build output, `node_modules`,
 * a folder that held none of them) cannot change a finding, a test run or a lens.
 *
 * A file's folders are added once (a known folder's parents are known), so an event costs a lookup.
 * Nothing is ever removed: a folder that no longer holds a known file lets its deletion through,
 * as every deletion went through before, where forgetting one would drop a deletion that matters.
 */
export class KnownFolders {
  private readonly folders = new Set<string>();

  addFile(uri: string): void {
    for (let cut = uri.lastIndexOf('/'); cut > 0; cut = uri.lastIndexOf('/', cut - 1)) {
      const folder = uri.slice(0, cut);
      if (this.folders.has(folder)) return;
      this.folders.add(folder);
    }
  }

  has(uri: string): boolean {
    return this.folders.has(uri.replace(/\/+$/, ''));
  }
}

/**
 * The file events any listener can act on: YAML/JSON files (any of them may be a policy, a test
 * file or a config) and `.gitignore` files (they decide what the scan reads), plus deletions of a
 * known folder (an editor reports a deleted folder as one event, which names none of its files).
 * Nothing under `.git/`. The client is asked for deletions of anything (a file glob cannot match a
 * folder), so a `git checkout` or a build sent thousands of other deletions, each batch of which
 * cleared caches, re-ran the open test files and refreshed lenses.
 *
 * The YAML/JSON files of kept events are added to `known` first: a folder created and deleted in
 * one burst still has its deletion seen. `followed` keeps the events of other files a listener
 * follows (the replay's events files).
 */
export function relevantFileEvents(
  changes: readonly FileEvent[],
  known: KnownFolders,
  followed: (uri: string) => boolean = () => false,
): FileEvent[] {
  const kept: FileEvent[] = [];
  for (const c of changes) {
    if (UNDER_GIT.test(c.uri)) continue;
    if (isYamlOrJsonName(c.uri)) {
      if (c.type !== FileChangeType.Deleted) known.addFile(c.uri);
      kept.push(c);
    } else if (
      c.uri.endsWith('/.gitignore') ||
      (c.type === FileChangeType.Deleted && known.has(c.uri)) ||
      followed(c.uri)
    )
      kept.push(c);
  }
  return kept;
}
