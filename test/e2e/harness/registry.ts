// A real `policylens serve` (dist/registry.js) on a free loopback port with a throw-away PGlite
// database, seeded with the live policies of a fixture folder.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnRegistry } from '../../support/registryProcess';
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
  const registry = await spawnRegistry(
    join(repoRoot, 'dist', 'registry.js'),
    ['--port', '0', '--data-dir', dataDir, '--org', org],
    // The key in the environment, not on the command line where `ps` shows it.
    { env: { POLICYLENS_SEED_KEY: apiKey }, timeoutMs: 30_000 },
  );
  const { url } = registry;
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
    stop: () => registry.stop(),
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
