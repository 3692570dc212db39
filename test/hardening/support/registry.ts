import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { CLI } from './cli';

/** `policylens serve` as a process, with everything it prints kept for the log checks. */
export interface Serve {
  url: string;
  child: ChildProcess;
  /** stdout and stderr so far. */
  output: () => string;
  stop: () => Promise<void>;
}

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

export async function serve(flags: string[], env: NodeJS.ProcessEnv = {}): Promise<Serve> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 60_000);
    child.stdout!.on('data', () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
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
