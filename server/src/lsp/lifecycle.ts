/**
 * The server's lifecycle as the LSP specification has it, which vscode-languageserver leaves to the
 * server: it dispatches every message whenever it comes, and enforces only that `exit` after
 * `shutdown` exits with 0. Before `initialize`, a request is answered with ServerNotInitialized
 * (-32002) and a notification dropped; a second `initialize` is refused; after `shutdown`, a
 * request is answered with InvalidRequest (-32600) and a notification dropped. `exit` and the
 * client's responses always pass. A request without its params object is answered with InvalidParams
 * (-32602), a notification without it dropped and logged (params.ts). The gate is a message strategy
 * of the connection (the one hook the library offers before its dispatch); it hands a refused request
 * on under `REFUSED`, whose handler (`answerRefused`) answers it with the error, and a dropped
 * notification under `IGNORED`, whose handler logs it, because a strategy cannot write itself.
 */
import {
  ErrorCodes,
  Message,
  ResponseError,
  type Connection,
  type ConnectionOptions,
  type NotificationMessage,
  type RequestMessage,
} from 'vscode-languageserver';
import { paramsProblem } from './params';

/** The method a refused request is handed on under (never sent by a client). */
const REFUSED = 'policyLens/internal/refused';
/** The method a dropped notification is handed on under, to be logged (never sent by a client). */
const IGNORED = 'policyLens/internal/ignored';

interface Refusal {
  code: number;
  message: string;
}

/** Connection options with the lifecycle gate; each connection needs its own (it holds the state). */
export function lifecycleOptions(): ConnectionOptions {
  let state: 'new' | 'running' | 'shut down' = 'new';
  const refuse = (request: RequestMessage, refusal: Refusal): Message =>
    ({ jsonrpc: request.jsonrpc, id: request.id, method: REFUSED, params: refusal }) as RequestMessage;
  return {
    messageStrategy: {
      handleMessage(message, next) {
        if (Message.isRequest(message)) {
          if (message.method === REFUSED)
            return next(
              refuse(message, { code: ErrorCodes.MethodNotFound, message: `Unhandled method ${REFUSED}` }),
            );
          if (state === 'shut down')
            return next(
              refuse(message, {
                code: ErrorCodes.InvalidRequest,
                message: `the server is shut down: ${message.method} is not served after shutdown`,
              }),
            );
          const problem = paramsProblem(message);
          if (problem) return next(refuse(message, { code: ErrorCodes.InvalidParams, message: problem }));
          if (message.method === 'initialize') {
            if (state === 'running')
              return next(
                refuse(message, {
                  code: ErrorCodes.InvalidRequest,
                  message: 'the server is already initialized',
                }),
              );
            state = 'running';
          } else if (state === 'new')
            return next(
              refuse(message, {
                code: ErrorCodes.ServerNotInitialized,
                message: `the server is not initialized: ${message.method} before initialize`,
              }),
            );
          else if (message.method === 'shutdown') state = 'shut down';
          return next(message);
        }
        // Before initialize and after shutdown, only `exit` counts among the notifications.
        if (Message.isNotification(message)) {
          if (state !== 'running' && message.method !== 'exit') return;
          if (message.method === IGNORED) return;
          const problem = paramsProblem(message);
          if (problem)
            return next({
              jsonrpc: message.jsonrpc,
              method: IGNORED,
              params: { reason: problem },
            } as NotificationMessage);
        }
        return next(message);
      },
    },
  };
}

/** Answers the requests the gate refused with their error, and logs the notifications it dropped. */
export function answerRefused(connection: Connection, log: (message: string) => void): void {
  connection.onRequest(REFUSED, (refusal: Refusal) => new ResponseError(refusal.code, refusal.message));
  connection.onNotification(IGNORED, (ignored: { reason: string }) =>
    log(`a notification was ignored: ${ignored.reason}`),
  );
}
