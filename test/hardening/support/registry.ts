import { spawnSync } from 'node:child_process';
import { spawnRegistry, type RegistryProcess } from '../../support/registryProcess';
import { CLI } from './cli';

/** `policylens serve` as a process, with everything it prints kept for the log checks. */
export type Serve = RegistryProcess;

/** Creates a key with `serve --create-key` (it prints the key once, on stdout, by design). */
export function createKey(flags: string[], org: string): string {
  const r = spawnSync(process.execPath, [CLI, 'serve', '--create-key', '--org', org, ...flags], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const key = /plk_[A-Za-z0-9_-]+/.exec(r.stdout)?.[0];
  if (r.status !== 0 || !key)
    throw new Error(`serve --create-key failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return key;
}

export function serve(flags: string[], env: NodeJS.ProcessEnv = {}): Promise<Serve> {
  return spawnRegistry(CLI, ['serve', '--port', '0', ...flags], { env });
}

export interface Reply {
  status: number;
  text: string;
  json: { data?: unknown; error?: { code: string; message: string; fields: Record<string, string> } };
}

/** One HTTP request; the body is sent as given (a string or bytes), or as JSON for anything else. */
export async function http(
  url: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Reply> {
  const raw =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string' || options.body instanceof Uint8Array
        ? options.body
        : JSON.stringify(options.body);
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...options.headers },
    body: raw as string | Uint8Array | undefined,
  });
  const text = await res.text();
  let json: Reply['json'] = {};
  try {
    json = JSON.parse(text) as Reply['json'];
  } catch {
    // Not every answer of a misbehaving server is JSON; the status and text still tell.
  }
  return { status: res.status, text, json };
}
