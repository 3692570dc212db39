import { DidChangeWatchedFilesNotification } from 'vscode-languageserver';
import type { Feature } from '../context';

/** The files whose changes on disk matter: every YAML and JSON file may be (or become) a policy. */
export const WATCHED_GLOB = '**/*.{json,jsonc,yaml,yml}';

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
    if (!ctx.clientCapabilities().workspace?.didChangeWatchedFiles?.dynamicRegistration) return;
    ctx.connection.client
      .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: WATCHED_GLOB }] })
      .catch((e: unknown) => ctx.log(`registering the file watcher failed: ${(e as Error).message}`));
  },
};
