// The language server in this process, over an in-memory JSON-RPC stream pair, with a file system
// and a clock that the test owns (the `Runtime` port of server/src/lsp/runtime.ts). It runs the
// server's sources, not dist/, so a test needs no build and no child process, and time is virtual:
// a debounce of 150 ms costs nothing, and a test can stop the clock to look between two steps.
// The spawned-dist/ tests remain the integration layer (test/lsp/transport.test.ts and others).
import { PassThrough } from 'node:stream';
import { createConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { URI } from 'vscode-uri';
import { lifecycleOptions } from '../../server/src/lsp/lifecycle';
import { startServer } from '../../server/src/lsp/server';
import type { FileSystem, Runtime } from '../../server/src/lsp/runtime';
import { LspClient, type Transport } from '../lsp/client';

/** Files held in memory by URI. Folders are implied by the paths, as in a real tree. */
export class MemoryFs implements FileSystem {
  readonly files = new Map<string, string>();

  /** `files` by absolute path (`/ws/policies/a.yaml`), as a test writes them. */
  constructor(files: Record<string, string> = {}) {
    for (const [path, text] of Object.entries(files)) this.write(path, text);
  }

  write(path: string, text: string): string {
    const uri = URI.file(path).toString();
    this.files.set(uri, text);
    return uri;
  }

  delete(path: string): string {
    const uri = URI.file(path).toString();
    this.files.delete(uri);
    return uri;
  }

  readFile(uri: string): Promise<string | undefined> {
    return Promise.resolve(this.files.get(uri));
  }

  exists(uri: string): Promise<boolean> {
    const folder = uri.endsWith('/') ? uri : `${uri}/`;
    return Promise.resolve(this.files.has(uri) || [...this.files.keys()].some((u) => u.startsWith(folder)));
  }

  async listFiles(
    folderUri: string,
    accept: (uri: string) => boolean | Promise<boolean>,
    limit = 5000,
  ): Promise<string[]> {
    const folder = folderUri.endsWith('/') ? folderUri : `${folderUri}/`;
    const hidden = (rest: string) =>
      rest.split('/').some((part) => part.startsWith('.') || part === 'node_modules');
    const out: string[] = [];
    for (const u of [...this.files.keys()].sort()) {
      if (out.length >= limit) break;
      if (u.startsWith(folder) && !hidden(u.slice(folder.length)) && (await accept(u))) out.push(u);
    }
    return out;
  }
}

interface Timer {
  id: number;
  due: number;
  fn: () => void;
}

/**
 * Virtual time. In `auto` mode (the default) the clock jumps to the next timer whenever this
 * process has nothing else to do, so timers fire in their order without real waiting; messages in
 * flight are always delivered first. `stop()` freezes time; `advance(ms)` then moves it by hand.
 */
export class FakeClock {
  private time = 0;
  private nextId = 1;
  private timers: Timer[] = [];
  private auto = true;
  private draining = false;

  now = (): number => this.time;

  setTimeout = (fn: () => void, ms: number): unknown => {
    const timer = { id: this.nextId++, due: this.time + Math.max(0, ms), fn };
    this.timers.push(timer);
    this.kick();
    return timer.id;
  };

  clearTimeout = (handle: unknown): void => {
    this.timers = this.timers.filter((t) => t.id !== handle);
  };

  /** How many timers are waiting. */
  get pending(): number {
    return this.timers.length;
  }

  stop(): void {
    this.auto = false;
  }

  start(): void {
    this.auto = true;
    this.kick();
  }

  /**
   * Moves time without firing any timer (they fire later, in order): work that takes time, for a
   * server whose slices of work are bounded by the clock.
   */
  spend(ms: number): void {
    this.time += ms;
  }

  /** Runs every timer due within `ms` from now, in order, and leaves the clock at now + ms. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (let t = this.earliest(); t && t.due <= end; t = this.earliest()) this.fire(t);
    this.time = end;
  }

  private earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers)
      if (!best || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t;
    return best;
  }

  private fire(t: Timer): void {
    this.timers = this.timers.filter((x) => x !== t);
    this.time = Math.max(this.time, t.due);
    t.fn();
  }

  /** Fires the next timer once the process is idle (after pending I/O and messages). */
  private kick(): void {
    if (!this.auto || this.draining) return;
    this.draining = true;
    setImmediate(() => {
      // Two turns: a message written by the last timer reaches the other side before time moves.
      setImmediate(() => {
        this.draining = false;
        if (!this.auto) return;
        const t = this.earliest();
        if (!t) return;
        this.fire(t);
        this.kick();
      });
    });
  }
}

export interface InProcessServer {
  client: LspClient;
  fs: MemoryFs;
  clock: FakeClock;
  env: Record<string, string | undefined>;
}

/** What `startInProcess` takes. */
export interface InProcessOptions {
  files?: Record<string, string>;
  env?: Record<string, string | undefined>;
  /** The key a client hands over after the start (Runtime `apiKey`). */
  apiKey?: Promise<string>;
  /**
   * Background work gives way between its slices (Node's `setImmediate`, as in the real runtime),
   * and each look at the clock costs this many virtual ms: slices bounded by time then end after
   * a known amount of work, whatever the machine.
   */
  slicedMs?: number;
}

/**
 * Starts the language server's sources in this process and returns a client connected to it.
 * The same `LspClient` as the spawned tests: one client for every LSP test.
 */
export function startInProcess(options: InProcessOptions = {}): InProcessServer {
  const { transport, ...rest } = serveInProcess(options);
  return { client: new LspClient(transport), ...rest };
}

/**
 * The server of `startInProcess` without a client: the bytes to write to it and read from it, for a
 * test that drives it with another client library (vscode-jsonrpc, as the VS Code client does).
 */
export function serveInProcess(options: InProcessOptions = {}): Omit<InProcessServer, 'client'> & {
  transport: Transport;
} {
  const fs = new MemoryFs(options.files);
  const clock = new FakeClock();
  const env = options.env ?? {};
  const { slicedMs } = options;
  const runtime: Runtime = {
    fs,
    env,
    now: slicedMs
      ? () => {
          const t = clock.now();
          clock.spend(slicedMs);
          return t;
        }
      : clock.now,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    ...(slicedMs ? { yieldToEvents: () => new Promise<void>((resolve) => setImmediate(resolve)) } : {}),
  };
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  // A reader and writer, not the streams themselves: given streams, vscode-languageserver exits the
  // process when they end, and this process is the test runner.
  const connection = createConnection(
    new StreamMessageReader(toServer),
    new StreamMessageWriter(toClient),
    lifecycleOptions(),
  );
  let alive = true;
  let closed!: (code: number | null) => void;
  const exited = new Promise<number | null>((resolve) => (closed = resolve));
  startServer(connection, runtime);
  const transport: Transport = {
    input: toServer,
    output: toClient,
    exited,
    alive: () => alive,
    kill: () => {
      if (!alive) return;
      alive = false;
      connection.dispose();
      clock.stop();
      closed(0);
    },
    // No processId: the server would poll this process's pid every 3 s and keep the runner alive.
    processId: null,
  };
  return { transport, fs, clock, env };
}

/**
 * Resolves once the server has nothing left to do: no timer of its clock pending and no message
 * from it for a few turns of the event loop (everything else it awaits is in this process). With
 * the clock running, pending timers fire meanwhile; the turn limit is a hang guard.
 */
export async function idle(s: InProcessServer): Promise<void> {
  const heard = () => s.client.diagnostics.length + s.client.logs.length + s.client.notifications.length;
  let last = -1;
  let still = 0;
  for (let turn = 0; turn < 1_000_000; turn++) {
    await new Promise((r) => setImmediate(r));
    const now = heard();
    still = s.clock.pending === 0 && now === last ? still + 1 : 0;
    last = now;
    if (still >= 5) return;
  }
  throw new Error('the server never went idle');
}

/**
 * The server capabilities an in-process server announces to `initialize`, read by a dotted path
 * (`semanticTokensProvider`, `workspace.fileOperations`): `undefined` for one it does not announce.
 */
export async function announcedCapabilities(): Promise<(path: string) => unknown> {
  const s = startInProcess({ files: {} });
  try {
    const { capabilities } = await s.client.initialize({ rootUri: 'file:///ws' });
    return (path) =>
      path
        .split('.')
        .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], capabilities);
  } finally {
    await s.client.shutdown();
  }
}
