// Starts a real VS Code (code-server: the VS Code server with its web workbench) on a free loopback
// port, in a throw-away profile: its own user-data, extensions and config, so nothing is written into
// the home folder and runs do not see each other.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface E2EPaths {
  node: string;
  codeServer: string;
  chromium: string;
}

export interface CodeServer {
  port: number;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  userDataDir: string;
  extensionsDir: string;
  /** `vscode-remote://127.0.0.1:PORT/abs/path` for URL payloads. */
  remoteUri(absPath: string): string;
  /** The workbench URL that opens `folder` with an optional payload. */
  workbenchUrl(folder: string, payload?: [string, string][]): string;
  /** Everything code-server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Settings that keep the workbench quiet and offline. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'security.workspace.trust.enabled': false,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/** The pids of every living descendant of `root`, read from /proc (Linux). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return [];
  }
  for (const name of entries) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name may contain spaces and parentheses; the fields after its closing one are fixed.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // The process ended while we read.
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const c of children.get(pid) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function profile(workDir: string, settings: Record<string, unknown>) {
  const userDataDir = join(workDir, 'user-data');
  const extensionsDir = join(workDir, 'extensions');
  const config = join(workDir, 'code-server.yaml');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2),
  );
  writeFileSync(config, 'auth: none\ncert: false\n');
  return { userDataDir, extensionsDir, config };
}

const baseEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  ...process.env,
  // No marketplace: these machines cannot reach it, and tests must not depend on it.
  EXTENSIONS_GALLERY: '{}',
  // A key in the caller's environment would be adopted by the extension; tests and the playground
  // decide the key themselves.
  POLICYLENS_API_KEY: '',
  EXECLAVE_API_KEY: '',
  ...extra,
});

/** Installs a .vsix into the profile with code-server's own installer (what a user would run). */
export function installVsix(
  paths: E2EPaths,
  workDir: string,
  vsix: string,
  settings: Record<string, unknown> = {},
): string {
  const { userDataDir, extensionsDir, config } = profile(workDir, settings);
  const r = spawnSync(
    paths.node,
    [
      paths.codeServer,
      '--config',
      config,
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      '--install-extension',
      vsix,
      '--force',
    ],
    { encoding: 'utf8', env: baseEnv({}), timeout: 120_000 },
  );
  const text = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) throw new Error(`code-server --install-extension failed (exit ${r.status}):\n${text}`);
  return text;
}

export async function startCodeServer(options: {
  paths: E2EPaths;
  workDir: string;
  settings?: Record<string, unknown>;
  env?: Record<string, string>;
  /** A fixed port; a free one when absent. */
  port?: number;
  /** Enables workspace trust, so the folder opens untrusted (restricted mode). */
  workspaceTrust?: boolean;
  /** Lets a URL payload run extension tests (`extensionTestsPath`); without it they are ignored. */
  smokeTestDriver?: boolean;
}): Promise<CodeServer> {
  const { paths, workDir } = options;
  const trust = options.workspaceTrust
    ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' }
    : {};
  const { userDataDir, extensionsDir, config } = profile(workDir, { ...options.settings, ...trust });
  const port = options.port ?? (await freePort());
  const args = [
    paths.codeServer,
    '--config',
    config,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
  ];
  if (!options.workspaceTrust) args.push('--disable-workspace-trust');
  if (options.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  // Its own process group, so stopping it also stops the extension host and the language servers.
  const child: ChildProcess = spawn(paths.node, args, {
    env: baseEnv(options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      // Some of code-server's helpers (the extension host, the language servers under it) start their
      // own process groups, so the group signal alone would leave them running: every descendant is
      // signalled by its pid as well.
      const pids = [child.pid, ...descendants(child.pid)];
      signal(-child.pid, 'SIGTERM');
      for (const pid of pids) signal(pid, 'SIGTERM');
      const timer = setTimeout(() => {
        for (const pid of pids) signal(pid, 'SIGKILL');
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
    child.stdout?.destroy();
    child.stderr?.destroy();
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`code-server exited (${child.exitCode}) before it was ready:\n${log}`);
    try {
      const res = await fetch(`${origin}/healthz`);
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer /healthz within 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }

  const remoteUri = (abs: string) => `vscode-remote://127.0.0.1:${port}${abs}`;
  return {
    port,
    origin,
    userDataDir,
    extensionsDir,
    remoteUri,
    workbenchUrl(folder, payload) {
      const q = new URLSearchParams({ folder });
      if (payload) q.set('payload', JSON.stringify(payload));
      return `${origin}/?${q.toString()}`;
    },
    output: () => log,
    stop,
  };
}
