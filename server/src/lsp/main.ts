// The language server's entry: builds the Node runtime and starts the server on the connection the
// command line asks for (`--stdio`, `--node-ipc` or `--socket=<port>`, read by vscode-languageserver).
// dist/server.js loads the packed bundle (boot/bundle.ts) and calls `main`; the same bundle is the
// impact's replay worker (lsp/impact/worker.ts) when started as a worker thread.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { IMPACT_WORKER_ARG, impactWorkerMain, isImpactWorker } from './impact/worker';
import { lifecycleOptions } from './lifecycle';
import { nodeRuntime } from './nodeRuntime';
import { startServer } from './server';

/** `load`: how the loader read, inflated and compiled the bundle (the start-up log line says it). */
export function main(load?: string): void {
  if (process.argv.includes(IMPACT_WORKER_ARG) && isImpactWorker()) return impactWorkerMain();
  const connection = createConnection(ProposedFeatures.all, lifecycleOptions());
  // A bug must never kill the editor's language server; log it and keep serving.
  process.on('uncaughtException', (e) => connection.console.error(`uncaught: ${e.stack ?? e}`));
  process.on('unhandledRejection', (e) => connection.console.error(`unhandled rejection: ${String(e)}`));
  // Over IPC the standard input is free to carry the API key (protocol API_KEY_FROM_ENV).
  startServer(connection, nodeRuntime({ stdinFree: process.argv.includes('--node-ipc'), loadDetail: load }));
}
