import { DidChangeWatchedFilesNotification, WatchKind } from 'vscode-languageserver';
import type { Feature, ServerContext } from '../context';
import { FolderWatch } from '../folderWatch';

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
    // A client that announces the capability may still refuse the registration (an error answer):
    // then nobody would report changes on disk, so the server watches as for a client without it.
    ctx.connection.client
      .register(DidChangeWatchedFilesNotification.type, { watchers: WATCHERS })
      .catch((e: unknown) => {
        ctx.log(`registering the file watcher failed: ${(e as Error).message}; the server watches itself`);
        void watchFromServer(ctx, 'the client refused to');
      });
  },
};

/**
 * For a client that cannot be asked to watch files (Neovim 0.7), or refused to: the server watches
 * the workspace itself (folderWatch.ts), once the workspace scan and the first diagnostics are done.
 */
async function watchFromServer(ctx: ServerContext, why = 'the client cannot be asked to'): Promise<void> {
  const watchFolder = ctx.runtime.fs.watchFolder?.bind(ctx.runtime.fs);
  if (!watchFolder) return;
  await ctx.diagnostics.whenQuiet(200, 5_000);
  const watch = new FolderWatch(ctx, watchFolder);
  await watch.start(ctx.workspaceFolders());
  const polled = watch.polled ? ` and polls ${watch.polled}` : '';
  ctx.log(`file watching: the server watches ${watch.size} folders${polled} (${why})`);
}
