/**
 * The HTTP plumbing shared by every route: the error type that becomes the Execlave error envelope,
 * reading a bounded JSON body, and writing JSON responses.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { displayPath, escapeLoneSurrogates, loneSurrogatePath } from '../server/src/core/index';

/** At most 1 MiB per body: a policy is a few kilobytes, and a bound keeps a bad client harmless. */
export const MAX_BODY_BYTES = 1024 * 1024;

export type ErrorCode =
  | 'VALIDATION_ERROR'
  | 'INVALID_JSON'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'IDEMPOTENCY_CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL_ERROR';

const statusOf: Record<ErrorCode, number> = {
  VALIDATION_ERROR: 400,
  INVALID_JSON: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  IDEMPOTENCY_CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL_ERROR: 500,
};

/** Thrown anywhere below a route; the server turns it into `{error: {code, message, fields}}`. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields: Record<string, string> = {},
    /** Headers the status calls for (RFC 9110): `Allow` with a 405, `WWW-Authenticate` with a 401. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = statusOf[code];
    if (code === 'UNAUTHORIZED' && !headers['WWW-Authenticate'])
      this.headers = { ...headers, 'WWW-Authenticate': 'Bearer realm="policylens"' };
  }
}

/** 405 with the `Allow` header that RFC 9110 requires; `allowed` as `GET, POST`. */
export function methodNotAllowed(method: string, allowed: string): ApiError {
  return new ApiError(
    'METHOD_NOT_ALLOWED',
    `${method} is not allowed here (allowed: ${allowed})`,
    {},
    { Allow: allowed },
  );
}

export function notFound(what = 'Policy not found'): ApiError {
  return new ApiError('NOT_FOUND', what);
}

/** Reads the body as JSON; an empty body is `undefined`. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    throw new ApiError('PAYLOAD_TOO_LARGE', `Request body exceeds ${MAX_BODY_BYTES} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    // A chunked body has no Content-Length, so the bound is also enforced while reading.
    if (size > MAX_BODY_BYTES) {
      req.resume();
      throw new ApiError('PAYLOAD_TOO_LARGE', `Request body exceeds ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(buf);
  }
  let text: string;
  try {
    // Replacement characters would silently change what is stored; bytes that are not UTF-8 are refused.
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new ApiError('INVALID_JSON', 'Request body is not valid UTF-8');
  }
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    throw new ApiError('INVALID_JSON', `Request body is not valid JSON: ${(e as Error).message}`);
  }
  if (depthExceeds(value, MAX_BODY_DEPTH))
    throw new ApiError('VALIDATION_ERROR', `Request body is nested deeper than ${MAX_BODY_DEPTH} levels`, {
      body: `nested deeper than ${MAX_BODY_DEPTH} levels`,
    });
  // JSON.parse keeps an escaped half of a surrogate pair ("\ud800") as it is. PostgreSQL would
  // store it in a text column as U+FFFD (two different names collide) and refuse it in JSONB (a
  // 500): it is refused here, with the path lint's `parse/lone-surrogate` names.
  const lone = loneSurrogatePath(value);
  if (lone) {
    const path = escapeLoneSurrogates(displayPath(lone.path)) || 'body';
    throw new ApiError(
      'VALIDATION_ERROR',
      `${path}: the string holds a lone surrogate (${lone.escape}), which is not Unicode text`,
      { [path]: `holds a lone surrogate (${lone.escape})` },
    );
  }
  return value;
}

/**
 * How deep a body may nest. A policy is a few levels deep; 1 MiB of `[` is 10^6 levels, which
 * overflows the stack of every recursive step after parsing (validation, canonical JSON, hashing).
 */
export const MAX_BODY_DEPTH = 64;

/** Whether a parsed JSON value nests deeper than `max`, checked without recursion. */
function depthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: ApiError, headers: Record<string, string> = {}): void {
  sendJson(
    res,
    error.status,
    { error: { code: error.code, message: error.message, fields: error.fields } },
    { ...error.headers, ...headers },
  );
}

/** The first value of a header that may be repeated. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
