/**
 * The live org over HTTP: an Execlave-compatible `/api/v1/policies` API (docs/registry.md describes the
 * contract `policylens serve` implements). Implements the engine's LiveOrg port.
 */
import {
  LiveOrgError,
  type AuditVerification,
  type LiveHistoryEvent,
  type LiveOrg,
  type LiveOrgPolicy,
} from '../core/index';
import type { LiveConfig } from './config';
import { DEFAULT_REQUEST_OPTIONS, send, type HttpResult, type RequestOptions } from './request';

/** The largest page the list asks for (the registry's maximum); most orgs fit in one request. */
const PAGE = 500;
/**
 * A bound on pages, so a server that keeps answering full pages cannot keep us looping. Past it the
 * read fails (pastPages): a part of an org planned against looks like missing policies, and a part
 * of a history like the whole of it.
 */
const MAX_PAGES = 200;

interface ErrorBody {
  error?: { code?: string; message?: string; fields?: Record<string, unknown> };
}

export class HttpLiveOrg implements LiveOrg {
  readonly label: string;
  private readonly options: RequestOptions;

  constructor(
    private readonly config: LiveConfig,
    options: Partial<RequestOptions> = {},
  ) {
    this.label = config.label;
    this.options = { ...DEFAULT_REQUEST_OPTIONS, ...options };
  }

  private async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResult> {
    const res = await send(
      `${this.config.apiBase}${path}`,
      {
        method,
        headers: {
          Accept: 'application/json',
          Authorization: `Bearer ${this.config.apiKey}`,
          'User-Agent': 'policylens',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
      this.config.label,
      this.options,
    );
    if (res.status === 401 || res.status === 403) {
      // The server's reason (policylens serve says "API key revoked" for a revoked key).
      const why = (res.body as ErrorBody | undefined)?.error?.message;
      const reason =
        typeof why === 'string' && why.trim() ? `: ${why.split('\n')[0]!.trim().slice(0, 200)}` : '';
      throw new LiveOrgError(
        'unauthorized',
        `the live org ${this.config.label} refused the API key (${res.status})${reason}; check POLICYLENS_API_KEY`,
        res.status,
      );
    }
    return res;
  }

  private fail(res: HttpResult, what: string): never {
    const err = (res.body as ErrorBody | undefined)?.error;
    const detail = err?.message ? `: ${err.message}` : '';
    const fields = err?.fields && Object.keys(err.fields).length ? ` (${fieldsText(err.fields)})` : '';
    const message = `${what} failed with ${res.status}${detail}${fields}`;
    if (res.status === 412) {
      // policylens serve says `current version is 4` in fields.version; others may send an ETag.
      const v = Number(/\d+/.exec(String(err?.fields?.version ?? res.headers.get('etag') ?? ''))?.[0]);
      throw new LiveOrgError('precondition', message, 412, Number.isFinite(v) && v > 0 ? v : undefined);
    }
    if (res.status === 409) throw new LiveOrgError('conflict', message, 409);
    if (res.status === 404) throw new LiveOrgError('not-found', message, 404);
    if (res.status === 400 || res.status === 413 || res.status === 422)
      throw new LiveOrgError('validation', message, res.status);
    throw new LiveOrgError('server', message, res.status);
  }

  private data<T>(res: HttpResult, what: string): T {
    const data = (res.body as { data?: unknown } | undefined)?.data;
    if (data === undefined)
      throw new LiveOrgError('server', `${what}: the live org answered ${res.status} without a "data" field`);
    return data as T;
  }

  async listPolicies(): Promise<LiveOrgPolicy[]> {
    const all: LiveOrgPolicy[] = [];
    let total: unknown;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.call('GET', `/policies?limit=${PAGE}&offset=${all.length}`);
      if (res.status !== 200) this.fail(res, 'listing policies');
      const items = this.data<unknown>(res, 'listing policies');
      if (!Array.isArray(items)) throw new LiveOrgError('server', 'listing policies: "data" is not a list');
      for (const p of items) {
        // Planning around an entry it cannot read would plan a create of a policy that exists.
        if (!isPolicy(p))
          throw new LiveOrgError(
            'server',
            'listing policies: an entry has no string "id" and "name"; is this an Execlave-compatible API?',
          );
        all.push(p);
      }
      total = (res.body as { meta?: { total?: unknown } }).meta?.total;
      if (items.length === 0 || typeof total !== 'number' || all.length >= total) return all;
    }
    throw pastPages(
      `listing the policies of ${this.config.label}`,
      `${all.length} of ${String(total)} policies read`,
      'plan against part of the org',
    );
  }

  async getPolicy(id: string): Promise<LiveOrgPolicy | undefined> {
    const res = await this.call('GET', `/policies/${encodeURIComponent(id)}`);
    if (res.status === 404) return undefined;
    if (res.status !== 200) this.fail(res, `reading policy ${id}`);
    return this.data<LiveOrgPolicy>(res, `reading policy ${id}`);
  }

  async createPolicy(
    body: Record<string, unknown>,
    options: { idempotencyKey: string },
  ): Promise<{ policy: LiveOrgPolicy; replayed: boolean }> {
    const res = await this.call('POST', '/policies', body, { 'Idempotency-Key': options.idempotencyKey });
    if (res.status !== 201 && res.status !== 200) this.fail(res, `creating "${String(body.name)}"`);
    return {
      policy: this.data<LiveOrgPolicy>(res, 'creating a policy'),
      replayed: res.headers.get('idempotent-replayed') === 'true',
    };
  }

  async updatePolicy(
    id: string,
    body: Record<string, unknown>,
    options: { ifMatch?: number },
  ): Promise<LiveOrgPolicy> {
    const headers: Record<string, string> =
      options.ifMatch === undefined ? {} : { 'If-Match': `"${options.ifMatch}"` };
    const res = await this.call('PUT', `/policies/${encodeURIComponent(id)}`, body, headers);
    if (res.status !== 200) this.fail(res, `updating "${String(body.name)}"`);
    return this.data<LiveOrgPolicy>(res, 'updating a policy');
  }

  async deletePolicy(id: string, options: { ifMatch?: number }): Promise<void> {
    const headers: Record<string, string> =
      options.ifMatch === undefined ? {} : { 'If-Match': `"${options.ifMatch}"` };
    const res = await this.call('DELETE', `/policies/${encodeURIComponent(id)}`, undefined, headers);
    if (res.status !== 200 && res.status !== 204) this.fail(res, `deleting policy ${id}`);
  }

  async history(id: string): Promise<LiveHistoryEvent[]> {
    const all: LiveHistoryEvent[] = [];
    let total: unknown;
    // policylens serve answers a long history in pages (meta.total); a server without paging
    // answers it whole, without meta.
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = all.length ? `?offset=${all.length}` : '';
      const res = await this.call('GET', `/policies/${encodeURIComponent(id)}/history${query}`);
      if (res.status !== 200) this.fail(res, `reading the history of ${id}`);
      const events = this.data<unknown>(res, 'reading a history');
      if (!Array.isArray(events)) throw new LiveOrgError('server', 'history: "data" is not a list');
      all.push(...(events as LiveHistoryEvent[]));
      total = (res.body as { meta?: { total?: unknown } }).meta?.total;
      if (events.length === 0 || typeof total !== 'number' || all.length >= total) return all;
    }
    throw pastPages(
      `the history of ${id} in ${this.config.label}`,
      `${all.length} of ${String(total)} events read`,
      'show part of it',
    );
  }

  async verifyAudit(options: { expectHead?: string } = {}): Promise<AuditVerification> {
    const query = options.expectHead ? `?expectHead=${encodeURIComponent(options.expectHead)}` : '';
    const res = await this.call('GET', `/audit/verify${query}`);
    if (res.status !== 200) this.fail(res, 'verifying the audit log');
    return this.data<AuditVerification>(res, 'verifying the audit log');
  }

  /** The org's name, when the server has `/whoami` (policylens serve does); otherwise undefined. */
  async orgName(): Promise<string | undefined> {
    const res = await this.call('GET', '/whoami').catch(() => undefined);
    const name = (res?.body as { data?: { orgName?: unknown } } | undefined)?.data?.orgName;
    return res?.status === 200 && typeof name === 'string' ? name : undefined;
  }
}

/** The error of a read that would need more than MAX_PAGES pages. */
function pastPages(what: string, read: string, instead: string): LiveOrgError {
  return new LiveOrgError(
    'server',
    `${what} needs more than ${MAX_PAGES} pages (${read}); stopped rather than ${instead}`,
  );
}

function isPolicy(p: unknown): p is LiveOrgPolicy {
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof (p as { id?: unknown }).id === 'string' &&
    typeof (p as { name?: unknown }).name === 'string'
  );
}

function fieldsText(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('; ');
}
