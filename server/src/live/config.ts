/**
 * Where the live org is and how to authenticate, from flags and the environment. The key goes only
 * over https, or over plain http to this machine (a local registry): anything else would hand the key
 * to every network hop in between.
 */
import { LiveOrgError } from '../core/index';

export interface LiveConfig {
  /** The API root, ending in `/api/v1` (no trailing slash). */
  apiBase: string;
  apiKey: string;
  /** `127.0.0.1:7420`: what messages and CodeLens call the org. */
  label: string;
}

/** The variables read, in order of precedence. */
export const URL_VARIABLES = ['POLICYLENS_API_URL', 'EXECLAVE_BASE_URL'] as const;
export const KEY_VARIABLES = ['POLICYLENS_API_KEY', 'EXECLAVE_API_KEY'] as const;

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

function firstSet(env: Record<string, string | undefined>, names: readonly string[]): string | undefined {
  for (const n of names) {
    const v = env[n]?.trim();
    if (v) return v;
  }
  return undefined;
}

/**
 * An API key is a token of visible ASCII. Anything else (a line break from a secret pasted with two
 * lines, a space, a typographic dash) cannot be sent, or not as written: fetch refused it with a
 * message that quoted the whole `Authorization` header, key included (escaped, so CI's secret
 * masking missed it), and sync called the org "unreachable" after four attempts (a field test).
 * The message names the character and its position, never the key.
 */
function checkKeyCharacters(apiKey: string): void {
  const at = [...apiKey].findIndex((c) => c < '!' || c > '~');
  if (at < 0) return;
  const c = [...apiKey][at]!;
  const code = c.codePointAt(0)!;
  const what =
    c === '\n' || c === '\r'
      ? 'a line break'
      : c === ' ' || c === '\t'
        ? 'a space'
        : code < 0x20 || code === 0x7f
          ? 'a control character'
          : `the non-ASCII character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  throw new LiveOrgError(
    'not-configured',
    `the API key holds ${what} at character ${at + 1}, which no API key has; check POLICYLENS_API_KEY (or EXECLAVE_API_KEY)`,
  );
}

/**
 * Resolves the live org's configuration. A base URL may be given with or without `/api/v1` (Execlave's
 * documented base is `https://api.execlave.com`). Throws LiveOrgError `not-configured` / `insecure`.
 */
export function resolveLiveConfig(
  given: { url?: string; apiKey?: string; configUrl?: string },
  env: Record<string, string | undefined>,
): LiveConfig {
  // A flag wins over the environment, which wins over the project's config file (`live.url`).
  const rawUrl = given.url?.trim() || firstSet(env, URL_VARIABLES) || given.configUrl?.trim();
  const apiKey = given.apiKey?.trim() || firstSet(env, KEY_VARIABLES);
  if (!rawUrl)
    throw new LiveOrgError(
      'not-configured',
      'sync is not configured: pass --url or set POLICYLENS_API_URL (or EXECLAVE_BASE_URL)',
    );
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new LiveOrgError('not-configured', `the API URL "${rawUrl}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new LiveOrgError('not-configured', `the API URL must be http(s), not ${url.protocol}`);
  if (!apiKey)
    throw new LiveOrgError('not-configured', 'no API key: set POLICYLENS_API_KEY (or EXECLAVE_API_KEY)');
  checkKeyCharacters(apiKey);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    throw new LiveOrgError(
      'insecure',
      `refusing to send the API key over plain http to ${url.host}: use https (plain http is allowed only to localhost)`,
    );
  if (url.username || url.password)
    throw new LiveOrgError(
      'not-configured',
      'the API URL must not contain credentials; use POLICYLENS_API_KEY',
    );
  const path = url.pathname.replace(/\/+$/, '');
  const apiPath = /\/api\/v1$/.test(path) ? path : `${path}/api/v1`;
  return { apiBase: `${url.origin}${apiPath}`, apiKey, label: url.host };
}

/**
 * Request manners from the environment, for slow links and for tests: `POLICYLENS_TIMEOUT_SECONDS`
 * (per attempt, default 15) and `POLICYLENS_RETRIES` (further attempts on 429/5xx/dropped
 * connections, default 3). Unparsable values are ignored.
 */
export function requestOptionsFromEnv(env: Record<string, string | undefined>): {
  timeoutMs?: number;
  retries?: number;
} {
  const out: { timeoutMs?: number; retries?: number } = {};
  const seconds = Number(env.POLICYLENS_TIMEOUT_SECONDS);
  if (env.POLICYLENS_TIMEOUT_SECONDS && Number.isFinite(seconds) && seconds > 0)
    out.timeoutMs = seconds * 1000;
  const retries = Number(env.POLICYLENS_RETRIES);
  if (env.POLICYLENS_RETRIES && Number.isInteger(retries) && retries >= 0 && retries <= 10)
    out.retries = retries;
  return out;
}
