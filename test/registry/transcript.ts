/**
 * Transcript cases: `test/fixtures/registry/<case>/requests.json` lists HTTP requests, and
 * `expected.json` the responses (status, a few headers, body) with ids, times and hashes replaced
 * by stable placeholders, so the same expectation holds for PGlite and PostgreSQL.
 * `UPDATE_FIXTURES=1` rewrites expected.json (from the PGlite run only).
 */
export interface Step {
  /** Shown in failures and in expected.json. */
  name?: string;
  method?: string;
  /**
   * After /api/v1; `{{X}}` is replaced by a value saved by an earlier step, `{{X:upper}}` by the
   * value in upper case (an id as another client may write it).
   */
  path: string;
  /** `main` (default), `other` (a key of a second org), `bearer` (main key as Bearer), `none`, `bad`. */
  as?: 'main' | 'other' | 'bearer' | 'none' | 'bad';
  headers?: Record<string, string>;
  body?: unknown;
  /** Sent as is, instead of `body`. */
  rawBody?: string;
  /** A body of this many bytes (for the size limit). */
  bodyBytes?: number;
  /** Values to remember: name -> dotted path into the response body. */
  save?: Record<string, string>;
}

export interface Keys {
  main: string;
  other: string;
}

export interface Outcome {
  step: string;
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const HASH = /^[0-9a-f]{64}$/;
const SHOWN_HEADERS = ['etag', 'location', 'idempotent-replayed'];

/**
 * Replaces what differs between runs by placeholders; ids keep their identity (`<id:2>`), and an id
 * written in upper case shows as such (`<ID:2>`), so an expectation says how an id was stored.
 */
export class Normalizer {
  private ids = new Map<string, string>();
  id(uuid: string): string {
    const key = uuid.toLowerCase();
    if (!this.ids.has(key)) this.ids.set(key, `<id:${this.ids.size + 1}>`);
    const placeholder = this.ids.get(key)!;
    return uuid === key ? placeholder : placeholder.toUpperCase();
  }
  value(v: unknown, key?: string): unknown {
    if (typeof v === 'string') {
      // The one field that names the backend; everything else must be the same on both.
      if (key === 'storage') return '<storage>';
      if (TIME.test(v)) return '<time>';
      if (HASH.test(v)) return '<hash>';
      if (v.startsWith('plk_')) return '<key>';
      return v.replace(UUID, (m) => this.id(m));
    }
    if (typeof v === 'number' && key === 'seq') return '<seq>';
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.value(x, k)]));
    }
    return v;
  }
}

function dig(body: unknown, path: string): unknown {
  let cur: unknown = body;
  for (const part of path.split('.')) cur = (cur as Record<string, unknown> | undefined)?.[part];
  return cur;
}

export async function runSteps(baseUrl: string, keys: Keys, steps: Step[]): Promise<Outcome[]> {
  const saved = new Map<string, string>();
  const fill = (s: string) =>
    s.replace(/\{\{(\w+)(:upper)?\}\}/g, (_, k: string, upper?: string) => {
      const v = saved.get(k);
      if (v === undefined) return `<unsaved ${k}>`;
      return upper ? v.toUpperCase() : v;
    });
  const norm = new Normalizer();
  const out: Outcome[] = [];
  for (const step of steps) {
    const method = step.method ?? 'GET';
    const headers: Record<string, string> = {};
    const as = step.as ?? 'main';
    if (as === 'main') headers['X-API-Key'] = keys.main;
    if (as === 'other') headers['X-API-Key'] = keys.other;
    if (as === 'bearer') headers.Authorization = `Bearer ${keys.main}`;
    if (as === 'bad') headers['X-API-Key'] = 'plk_not-a-real-key';
    for (const [k, v] of Object.entries(step.headers ?? {})) headers[k] = fill(v);
    let body: string | undefined;
    if (step.rawBody !== undefined) body = step.rawBody;
    else if (step.bodyBytes !== undefined) body = JSON.stringify({ name: 'x'.repeat(step.bodyBytes) });
    else if (step.body !== undefined) body = fill(JSON.stringify(step.body));
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${baseUrl}/api/v1${fill(step.path)}`, { method, headers, body });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = { notJson: text };
    }
    for (const [name, path] of Object.entries(step.save ?? {})) saved.set(name, String(dig(json, path)));
    const shown: Record<string, string> = {};
    for (const h of SHOWN_HEADERS) {
      const v = res.headers.get(h);
      if (v !== null) shown[h] = norm.value(v) as string;
    }
    out.push({
      step: step.name ?? `${method} ${step.path}`,
      status: res.status,
      ...(Object.keys(shown).length ? { headers: shown } : {}),
      body: norm.value(json),
    });
  }
  return out;
}
