import { DidChangeWatchedFilesNotification, FileChangeType, WatchKind } from 'vscode-languageserver';
import type { Feature, ServerContext } from '../context';
import { Debouncer } from '../debounce';
import { isYamlOrJsonName } from '../settings';
import { backgroundPause } from '../slices';

/** The files whose changes on disk matter: every YAML and JSON file may be (or become) a policy. */
export const WATCHED_GLOB = '**/*.{json,jsonc,yaml,yml}';

/**
 * What the server asks a client to watch: the policy files; the .gitignore files, which decide what
 * the workspace scan reads; and deletions of anything, because an editor reports a deleted folder
 * as one event for the folder, which no file glob matches (its bundles would stay in the index).
 * The deletions of anything else (git's lock files, build outputs) are dropped where the events
 * enter (`ctx.files.emit`, fileEvents.ts).
 */
export const WATCHERS = [
  { globPattern: WATCHED_GLOB },
  { globPattern: '**/.gitignore' },
  { globPattern: '**/*', kind: WatchKind.Delete },
];

/**
 * `workspace/didChangeWatchedFiles`: vscode-languageserver allows one handler, so this one fans the
 * changes out to every listener registered with `ctx.files.onDidChange` (the server clears the
 * diagnostics of deleted files; the chain index re-reads changed ones).
 *
 * The server asks for the events itself (dynamic registration) when the client can be asked, so a
 * file changed on disk outside the editor (a `git checkout`, a script) refreshes the cross-file
 * findings in every client, not only in one whose extension set up a watcher of its own.
 */
export const didChangeWatchedFilesFeature: Feature = {
  name: 'didChangeWatchedFiles',
  register(ctx) {
    ctx.connection.onDidChangeWatchedFiles((params) => ctx.files.emit(params.changes));
  },
  initialized(ctx) {
    if (!ctx.clientCapabilities().workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      void watchFromServer(ctx);
      return;
    }
    ctx.connection.client
      .register(DidChangeWatchedFilesNotification.type, { watchers: WATCHERS })
      .catch((e: unknown) => ctx.log(`registering the file watcher failed: ${(e as Error).message}`));
  },
};

/** At most this many folders are watched by the server itself (each is one inotify watch). */
const MAX_WATCHED_FOLDERS = 256;
/** Editors write a file in several steps (truncate, write, rename): one event per burst. */
const WATCH_DEBOUNCE_MS = 100;

/**
 * For a client that cannot be asked to watch files (Neovim 0.7): the server watches, bounded, the
 * folders that hold YAML or JSON files (the listing skips `node_modules` and hidden folders such as
 * `.git`), and turns what changes into the same events a client would send. New folders are not
 * picked up; the folders are listed once the workspace scan and the first diagnostics are done.
 */
async function watchFromServer(ctx: ServerContext): Promise<void> {
  const watchFolder = ctx.runtime.fs.watchFolder?.bind(ctx.runtime.fs);
  if (!watchFolder) return;
  await ctx.diagnostics.whenQuiet(200, 5_000);
  const folders = new Set<string>();
  // Listed in slices that wait for a quiet editor, as the workspace scan is.
  const pause = backgroundPause(ctx.runtime, () => ctx.diagnostics.whenQuiet(30, 500));
  for (const root of ctx.workspaceFolders()) {
    folders.add(root.replace(/\/+$/, ''));
    for (const uri of await ctx.runtime.fs.listFiles(root, isYamlOrJsonName, undefined, pause))
      folders.add(uri.slice(0, uri.lastIndexOf('/')));
  }
  const runs = new Debouncer(ctx.runtime);
  const changed = (uri: string) => {
    if (!isYamlOrJsonName(uri)) return;
    runs.schedule(uri, WATCH_DEBOUNCE_MS, () => {
      void ctx.runtime.fs
        .exists(uri)
        .then((exists) =>
          ctx.files.emit([{ uri, type: exists ? FileChangeType.Changed : FileChangeType.Deleted }]),
        );
    });
  };
  let watched = 0;
  for (const folder of folders) {
    if (watched >= MAX_WATCHED_FOLDERS) {
      ctx.log(`file watching: only the first ${MAX_WATCHED_FOLDERS} folders are watched`);
      break;
    }
    if (watchFolder(folder, changed)) watched++;
  }
  ctx.log(`file watching: the server watches ${watched} folders (the client cannot be asked to)`);
}
