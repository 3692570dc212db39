import { LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver';

/**
 * Runs a request handler so that a bug in it can never take the server down: an exception is logged
 * and the fallback returned, and a request the client cancelled answers `RequestCancelled` instead of
 * doing its work (the pattern of json-language-features' `runSafe`).
 */
export async function runSafe<T>(
  log: (message: string) => void,
  what: string,
  token: CancellationToken | undefined,
  fallback: T,
  fn: () => T | Promise<T>,
): Promise<T | ResponseError<void>> {
  if (token?.isCancellationRequested) return cancelled();
  try {
    const result = await fn();
    if (token?.isCancellationRequested) return cancelled();
    return result;
  } catch (e) {
    log(`${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return fallback;
  }
}

function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
}
