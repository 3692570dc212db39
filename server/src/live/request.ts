/**
 * One HTTP call to the live org, with the manners a CI job and an editor both need: a timeout, a few
 * retries with exponential backoff on 429 and 5xx (honouring `Retry-After`) and on dropped connections,
 * and every failure turned into a one-line LiveOrgError that never contains the key.
 */
import { LiveOrgError } from '../core/index';

export interface RequestOptions {
  /** Per attempt. */
  timeoutMs: number;
  /** Further attempts after the first. */
  retries: number;
  /** The first backoff; each next one doubles (plus jitter). */
  backoffMs: number;
  /** A `Retry-After` longer than this is not waited for: the call fails and says when to come back. */
  maxRetryAfterMs: number;
  /** Injected for tests; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_REQUEST_OPTIONS: RequestOptions = {
  timeoutMs: 15_000,
  retries: 3,
  backoffMs: 300,
  maxRetryAfterMs: 30_000,
};

export interface HttpResult {
  status: number;
  headers: Headers;
  body: unknown;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i;
/** Parses `Retry-After` (seconds, or an HTTP date) into milliseconds. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The innermost `code` of a fetch failure (undici wraps the socket error in `cause`). */
function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function networkError(err: unknown, where: string, timeoutMs: number): LiveOrgError {
  const name = (err as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return new LiveOrgError('timeout', `live org ${where} did not answer within ${timeoutMs / 1000} s`);
  const code = errorCode(err) ?? '';
  if (TLS_CODES.test(code)) return new LiveOrgError('tls', `TLS failure talking to ${where}: ${code}`);
  const cause = (err as { cause?: { message?: unknown } }).cause;
  // Redirects are not followed (they could carry the key to another host), and are not transient.
  if (typeof cause?.message === 'string' && /redirect/i.test(cause.message))
    return new LiveOrgError(
      'server',
      `live org ${where} answered with a redirect; set the API URL it redirects to`,
    );
  const reason =
    code ||
    (typeof cause?.message === 'string' ? cause.message : err instanceof Error ? err.message : String(err));
  return new LiveOrgError('unreachable', `live org ${where} is unreachable (${reason})`);
}

function retryable(err: LiveOrgError): boolean {
  return err.kind === 'unreachable' || err.kind === 'timeout';
}

/**
 * Sends one request (retrying as described). Answers with the status, headers and parsed JSON body
 * for every status below 500 other than 429; the caller decides what a 4xx means.
 */
export async function send(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  where: string,
  options: RequestOptions,
): Promise<HttpResult> {
  const sleep = options.sleep ?? sleepFor;
  let lastError: LiveOrgError | undefined;
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    let wait = options.backoffMs * 2 ** attempt * (1 + Math.random() / 4);
    try {
      const res = await fetch(url, {
        ...init,
        signal: AbortSignal.timeout(options.timeoutMs),
        redirect: 'error',
      });
      const text = await res.text();
      if (res.status === 429 || res.status >= 500) {
        const after = retryAfterMs(res.headers.get('retry-after'));
        const what = res.status === 429 ? 'rate limited (429)' : `server error ${res.status}`;
        lastError = new LiveOrgError(
          'server',
          `live org ${where}: ${what}${serverMessage(text)}`,
          res.status,
        );
        if (after !== undefined) {
          if (after > options.maxRetryAfterMs) {
            lastError = new LiveOrgError(
              'server',
              `live org ${where}: ${what}; it asks to retry after ${Math.ceil(after / 1000)} s`,
              res.status,
            );
            break;
          }
          wait = after;
        }
      } else {
        return { status: res.status, headers: res.headers, body: parseBody(text) };
      }
    } catch (err) {
      if (err instanceof LiveOrgError) throw err;
      lastError = networkError(err, where, options.timeoutMs);
      if (!retryable(lastError)) throw lastError;
    }
    if (attempt < options.retries) await sleep(wait);
  }
  throw lastError ?? new LiveOrgError('server', `live org ${where}: no answer`);
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function serverMessage(text: string): string {
  const body = parseBody(text) as { error?: { message?: unknown } } | undefined;
  const m = body && typeof body === 'object' ? body.error?.message : undefined;
  return typeof m === 'string' && m ? `: ${m.split('\n')[0].slice(0, 200)}` : '';
}
