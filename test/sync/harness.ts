// What the sync tests share: a real registry on loopback (in this process, or as its own process that
// a test can kill), bundles in a temporary folder, and the CLI run as a child process.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before } from 'node:test';
import { startRegistry, type Registry } from '../../registry/index';
import { spawnRegistry } from '../support/registryProcess';

export const ROOT = join(__dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');
export const REGISTRY = join(ROOT, 'dist', 'registry.js');

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `policylens-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Writes `files` (relative path → text) under `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

export interface LiveRegistry {
  url: string;
  key: string;
  close(): Promise<void>;
  registry: Registry;
}

/**
 * A registry in this process on a fresh PGlite in memory (started from the template, gone when it
 * closes), with one key for org "acme".
 */
export async function inProcessRegistry(): Promise<LiveRegistry> {
  const registry = await startRegistry({ port: 0, memory: true, log: () => undefined });
  const { key } = await registry.createApiKey('acme', 'user_123');
  return {
    url: registry.url,
    key,
    registry,
    close: () => registry.close(),
  };
}

/**
 * The registry of a test file: an in-process registry started before its tests (handed to `set`) and
 * closed after them, when the temporary folders the file listed in `dirs` are removed too.
 */
export function registryPerFile(set: (live: LiveRegistry) => void, dirs: string[]): void {
  let live: LiveRegistry | undefined;
  before(async () => set((live = await inProcessRegistry())));
  after(async () => {
    await live?.close();
    for (const d of dirs) removeDir(d);
  });
}

/**
 * The registry as its own process (dist/registry.js), so a test can kill it mid-request. `storage` is
 * a PGlite data directory, or the serve flags of another storage (`['--database-url', url]`).
 */
export async function registryProcess(
  storage: string | string[],
  key: string,
): Promise<{ url: string; child: ChildProcess }> {
  const flags = typeof storage === 'string' ? ['--data-dir', storage] : storage;
  const { url, child } = await spawnRegistry(REGISTRY, ['--port', '0', ...flags, '--org', 'acme'], {
    env: { POLICYLENS_SEED_KEY: key },
    onStderr: (text) => {
      if (process.env.PROXY_DEBUG) process.stderr.write(`registry: ${text}`);
    },
  });
  return { url, child };
}

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node dist/cli.js ...args` asynchronously (an in-process registry must keep answering);
 * `nodeArgs` go to Node before the script (`--max-old-space-size=24`); `user` runs it as another
 * user (root may write anywhere, so a folder it cannot write needs one), and `fileSizeKb` under
 * bash's `ulimit -f` (a file written past it fails with EFBIG: a full disk that a test can make).
 */
export function runCli(
  args: string[],
  env: Record<string, string>,
  cwd = ROOT,
  nodeArgs: string[] = [],
  user: { uid?: number; gid?: number; fileSizeKb?: number } = {},
): Promise<CliResult> {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `node esbuild.mjs` first');
  const { fileSizeKb, ...ids } = user;
  const command = [process.execPath, ...nodeArgs, CLI, ...args];
  // bash counts `ulimit -f` in KiB (outside its POSIX mode); `exec` keeps the status Node's.
  const [file, argv] =
    fileSizeKb === undefined
      ? [command[0]!, command.slice(1)]
      : ['bash', ['-c', 'ulimit -f "$0" && exec "$@"', String(fileSizeKb), ...command]];
  return new Promise((resolve) => {
    const child = spawn(file, argv, {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...ids,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/** Calls the registry's API directly, as another user of the org would. */
export async function api(
  live: { url: string; key: string },
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  // The responses are read field by field in assertions, where a failed lookup fails the test anyway.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${live.url}/api/v1${path}`, {
    method,
    headers: {
      'X-API-Key': live.key,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Every live policy of the org (one page is plenty in tests). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function livePolicies(live: { url: string; key: string }): Promise<any[]> {
  const res = await api(live, 'GET', '/policies?limit=500');
  return res.body.data;
}

export const BUNDLES: Record<string, string> = {
  'production-guardrails.json': `${JSON.stringify(
    {
      name: 'Require approval for file writes',
      policyType: 'tool_call',
      enforcementMode: 'require_approval',
      ruleDefinition: { tools: ['file_write'] },
    },
    null,
    2,
  )}\n`,
  'data-access.yaml':
    'name: Block PII exfiltration\npolicyType: pii_access\nenforcementMode: log_only\nruleDefinition:\n  denied_pii_types: [ssn, credit_card]\n  mask_output: true\nmetadata:\n  owner: security\n',
  'rate-limit.yaml':
    'name: Rate limit external calls\npolicyType: rate_limit\nenforcementMode: block\nruleDefinition:\n  maxRequestsPerMinute: 60\nprerequisites: [Block PII exfiltration]\n',
};

/** Polls until `ok` holds: a hang guard around background work, not a timing assertion. */
export async function eventually<T>(get: () => Promise<T>, ok: (t: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const t = await get();
    if (ok(t)) return t;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`never happened: ${what}`);
}
