import type { Connection, PublishDiagnosticsParams } from 'vscode-languageserver';

/**
 * Publishes diagnostics without waiting for the write. Work that ends after the client has gone (an
 * analysis whose debounce fired after `exit`, a config read that resolved late) finds the connection
 * disposed: there is no one left to tell, which is no error, so that rejection is dropped here
 * rather than surfacing as an unhandled rejection (which ends a Node process).
 */
export function publishDiagnostics(connection: Connection, params: PublishDiagnosticsParams): void {
  connection.sendDiagnostics(params).catch(() => undefined);
}

/** A line in the client's log; nothing when the client has gone (the connection throws then). */
export function logLine(connection: Connection, message: string): void {
  try {
    connection.console.log(message);
  } catch {
    // Disposed: the client left, and with it the log.
  }
}
