// A real `policylens serve` (dist/registry.js) on a free loopback port with a throw-away PGlite
// database, seeded with the live policies of a fixture folder.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './build';

export interface Registry {
  url: string;
  apiKey: string;
  stop(): Promise<void>;
  /** GET/POST/… against /api/v1 with the key. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
}

export const registryBuilt = () => existsSync(join(repoRoot, 'dist', 'registry.js'));

export async function startRegistry(dataDir: string, apiKey: string, org = 'e2e-org'): Promise<Registry> {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(repoRoot, 'dist', 'registry.js'), '--port', '0', '--data-dir', dataDir, '--org', org],
    // The key in the environment, not on the command line where `ps` shows it.
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, POLICYLENS_SEED_KEY: apiKey } },
  );
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`policylens serve did not print its URL in 30 s:\n${log}`)),
      30_000,
    );
    const onData = (d: Buffer) => {
      log += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`policylens serve exited (${code}):\n${log}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { 'X-API-Key': apiKey, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  };
  return {
    url,
    apiKey,
    api,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Creates every `*.json` policy of `dir` in the registry. */
export async function seedLive(registry: Registry, dir: string): Promise<void> {
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    const body = JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown;
    const r = await registry.api('POST', '/policies', body);
    if (r.status !== 201) throw new Error(`seeding ${f} failed: ${r.status} ${JSON.stringify(r.json)}`);
  }
}
