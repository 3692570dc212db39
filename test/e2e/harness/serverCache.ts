// The language server's V8 code cache for the real-editor suite (docs/decisions/extension.md,
// "Activation time", seventh round). The server writes its cache 3 s after its first start of a
// bundle under a Node version (server/src/boot/codeCache.ts): a user meets that start once per
// version, and every later start reads the cache. The suite builds a new bundle before each run, so
// without this its editor would always measure that first start. So the harness gives the editor a
// cache directory of the run's own (`XDG_CACHE_HOME`, which the extension host passes to the server
// it forks) and, before the editor starts, runs the packaged server once in it under the editor's
// Node, as a user's earlier start does.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SERVER_NODE_FLAGS } from '../../../server/src/protocol';

/** A cache directory of the run's own, closed to others as the server requires. */
export function cacheHome(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** The server's code-cache files in `home` (one per bundle and Node version). */
export function serverCacheFiles(home: string): string[] {
  try {
    return readdirSync(join(home, 'policylens', 'v8')).filter((n) => n.endsWith('-server.bin'));
  } catch {
    return [];
  }
}

/**
 * The `initialize` request the extension sends for a workspace with one policy open: the policy
 * travels with it (`openDocuments`), so the server analyses and publishes it at once. Shared by the
 * suite's warm-up start and the bench's server-start rows (bench/serverStart.ts).
 */
export function initializeRequest(workspace: string, openFile: string): object {
  const folder = pathToFileURL(workspace).href;
  return {
    id: 1,
    method: 'initialize',
    params: {
      processId: process.pid,
      rootUri: folder,
      workspaceFolders: [{ uri: folder, name: 'workspace' }],
      capabilities: {},
      initializationOptions: {
        trusted: true,
        policyLanguages: true,
        openDocuments: [
          {
            uri: pathToFileURL(openFile).href,
            languageId: 'policylens-yaml',
            version: 1,
            text: readFileSync(openFile, 'utf8'),
          },
        ],
      },
    },
  };
}

function frame(message: object): string {
  const body = JSON.stringify({ jsonrpc: '2.0', ...message });
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

export interface CacheWarmUp {
  /**
   * Resolves once the cache is written (or after `timeoutMs`), with the server stopped: true if
   * written. `done(0)` stops it at once.
   */
  done(timeoutMs?: number): Promise<boolean>;
}

/**
 * Starts `serverJs` under `node` with `home` as its cache directory, as the extension forks it: its
 * Node flags (the cache's name includes them), the workspace folder, and `openFile` sent with
 * `initialize` as the extension sends the open policies. Everything is written at once, so the
 * server runs while the caller does other work (spawnSync included); `done` waits for the cache.
 */
export function warmServerCodeCache(o: {
  node: string;
  serverJs: string;
  home: string;
  workspace: string;
  openFile: string;
}): CacheWarmUp {
  // The directory may already hold another copy's cache (the UI phase's server shares it): only a
  // file this start adds is its own (a cache is named by the bundle's path too, boot/codeCache.ts).
  const before = new Set(serverCacheFiles(o.home));
  const added = () => serverCacheFiles(o.home).filter((f) => !before.has(f)).length;
  const child: ChildProcess = spawn(o.node, [...SERVER_NODE_FLAGS, o.serverJs, '--stdio'], {
    cwd: o.workspace,
    env: { ...process.env, XDG_CACHE_HOME: o.home },
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  child.on('error', () => undefined);
  child.stdin?.on('error', () => undefined);
  child.stdin?.write(
    frame(initializeRequest(o.workspace, o.openFile)) + frame({ method: 'initialized', params: {} }),
  );
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    async done(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!added() && child.exitCode === null && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      child.kill();
      await exited;
      return added() > 0;
    },
  };
}

/**
 * What the server's start-up line says of its code cache (boot/bundle.ts `describeLoad`): `warm`, it
 * compiled with it (a later start); `cold`, there was none (the version's first start, which writes
 * it); `off`, no cache directory it could trust.
 */
export function serverCodeCache(serverLog: unknown): 'warm' | 'cold' | 'off' | undefined {
  const line = Array.isArray(serverLog)
    ? serverLog.find((l) => /bundle loaded from/.test(String(l)))
    : undefined;
  if (typeof line !== 'string') return undefined;
  if (line.includes('(with the code cache)')) return 'warm';
  if (line.includes('without a code cache')) return 'cold';
  if (line.includes('no code cache')) return 'off';
  return undefined;
}
