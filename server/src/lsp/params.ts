/**
 * Which messages carry no usable params. Every request the server serves, `shutdown` aside, takes an
 * object (LSP's params are never an array or a scalar); vscode-languageserver reads a field of it
 * before any handler runs, so `"params": null` was an internal error (-32603) and a missing params an
 * error whose words named the library's arity ("defines 1 params but received none"). The lifecycle
 * gate (lifecycle.ts) answers such a request with InvalidParams (-32602) and the method's name, and
 * drops such a notification with a log line, before the library's dispatch.
 */
import type { NotificationMessage, RequestMessage } from 'vscode-languageserver';

/** The messages whose params are void in the specification: null or none is what they should carry. */
const WITHOUT_PARAMS = new Set(['shutdown', 'exit', 'initialized']);

/** What is wrong with a message's params, in words for the client and the log; undefined when usable. */
export function paramsProblem(message: RequestMessage | NotificationMessage): string | undefined {
  if (WITHOUT_PARAMS.has(message.method)) return undefined;
  const params: unknown = message.params;
  if (params !== null && typeof params === 'object' && !Array.isArray(params)) return undefined;
  return `${message.method} needs its params object, got ${describe(params)}`;
}

function describe(params: unknown): string {
  if (params === undefined) return 'none';
  if (params === null) return 'null';
  if (Array.isArray(params)) return 'an array';
  return `a ${typeof params}`;
}
