import type { Feature } from '../context';

/**
 * `workspace/didChangeWatchedFiles`: vscode-languageserver allows one handler, so this one fans the
 * changes out to every listener registered with `ctx.files.onDidChange` (the server clears the
 * diagnostics of deleted files; the chain index re-reads changed ones).
 */
export const didChangeWatchedFilesFeature: Feature = {
  name: 'didChangeWatchedFiles',
  register(ctx) {
    ctx.connection.onDidChangeWatchedFiles((params) => ctx.files.emit(params.changes));
  },
};
