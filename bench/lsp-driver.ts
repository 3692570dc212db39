// A minimal LSP client over stdio for the benchmark: spawns a server, speaks JSON-RPC with
// Content-Length framing, answers the server's own requests (configuration, registrations), and
// lets a scenario wait for the publishDiagnostics that follow an open or an edit. It is written
// against the protocol only, so the same driver runs Policy Lens and yaml-language-server.
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { cpuMs, peakRssKb, waitIdle } from './proc';

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}
export interface Diagnostic {
  range: Range;
  severity?: number;
  message: string;
  code?: string | number;
  source?: string;
}
export interface TextChange {
  range: Range;
  text: string;
}

/** How to start one server and what to answer when it asks for its settings. */
export interface ServerSpec {
  /** Short label used in the tables, e.g. "policylens" or "yaml-ls". */
  name: string;
  command: string;
  args: string[];
  /** Settings by section, answered to workspace/configuration and sent in didChangeConfiguration. */
  settings: Record<string, unknown>;
  /** The server checks prerequisites across files, so a bundle on a cycle must get an error too. */
  crossFile?: boolean;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  method: string;
}
interface DiagWaiter {
  uri: string;
  afterSeq: number;
  accept: (d: Diagnostic[]) => boolean;
  resolve: (d: Diagnostic[]) => void;
}

export const uriOf = (path: string): string => pathToFileURL(path).href;
export const languageOf = (path: string): string => (path.endsWith('.json') ? 'json' : 'yaml');

/** The value of a dotted settings section ("yaml", "[yaml]", "policyLens.lint"), or null. */
function section(settings: Record<string, unknown>, name: string | undefined): unknown {
  if (!name) return settings;
  if (name in settings) return settings[name];
  let cur: unknown = settings;
  for (const part of name.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(part in cur)) return null;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export class LspClient {
  readonly proc: ChildProcess;
  readonly pid: number;
  /** Capabilities from the initialize result. */
  capabilities: Record<string, unknown> = {};
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private buffer: Buffer = Buffer.alloc(0);
  private seq = 0;
  /** The latest diagnostics per URI and the sequence number of the publish that carried them. */
  readonly diagnostics = new Map<string, { seq: number; items: Diagnostic[] }>();
  /**
   * The waiters of each URI. Per URI, so that a publication costs the driver the waiters of its own
   * document: with one list, opening 5,000 files cost (publications × open files) checks, seconds of
   * the driver's CPU on the same two cores as the server it measures.
   */
  private waiters = new Map<string, DiagWaiter[]>();
  private versions = new Map<string, number>();
  stderr = '';
  private exited = false;

  private constructor(
    readonly spec: ServerSpec,
    readonly root: string,
  ) {
    this.proc = spawn(spec.command, spec.args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: root });
    if (this.proc.pid === undefined) throw new Error(`${spec.name}: could not spawn ${spec.command}`);
    this.pid = this.proc.pid;
    this.proc.stdout!.on('data', (chunk: Buffer) => this.onData(chunk));
    this.proc.stderr!.on('data', (chunk: Buffer) => {
      // Keep only the tail: a chatty server must not grow the driver's memory without bound.
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    this.proc.on('exit', (code) => {
      this.exited = true;
      for (const p of this.pending.values()) {
        p.reject(new Error(`${spec.name} exited (${code}) during ${p.method}: ${this.stderr.slice(-500)}`));
      }
      this.pending.clear();
    });
  }

  /** Spawns the server, runs the initialize handshake and pushes the settings. */
  static async start(spec: ServerSpec, root: string): Promise<LspClient> {
    const c = new LspClient(spec, root);
    const rootUri = uriOf(root);
    const result = (await c.request('initialize', {
      processId: process.pid,
      rootUri,
      rootPath: root,
      workspaceFolders: [{ uri: rootUri, name: 'bench' }],
      capabilities: {
        workspace: {
          configuration: true,
          workspaceFolders: true,
          didChangeConfiguration: { dynamicRegistration: true },
        },
        textDocument: {
          synchronization: { dynamicRegistration: false, didSave: true },
          publishDiagnostics: { relatedInformation: true, versionSupport: true },
          completion: {
            completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] },
          },
          hover: { contentFormat: ['markdown', 'plaintext'] },
        },
      },
      initializationOptions: {},
    })) as { capabilities?: Record<string, unknown> };
    c.capabilities = result?.capabilities ?? {};
    c.notify('initialized', {});
    c.notify('workspace/didChangeConfiguration', { settings: spec.settings });
    return c;
  }

  request(method: string, params: unknown, timeoutMs = 120_000): Promise<unknown> {
    if (this.exited)
      return Promise.reject(new Error(`${this.spec.name} has exited: ${this.stderr.slice(-500)}`));
    const id = this.nextId++;
    this.send({ jsonrpc: '2.0', id, method, params });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.spec.name}: ${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        method,
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
    });
  }

  notify(method: string, params: unknown): void {
    if (!this.exited) this.send({ jsonrpc: '2.0', method, params });
  }

  /** The publish counter; pass it to waitForDiagnostics to accept only publishes that come later. */
  mark(): number {
    return this.seq;
  }

  open(path: string, text: string): string {
    const uri = uriOf(path);
    this.versions.set(uri, 1);
    this.notify('textDocument/didOpen', {
      textDocument: { uri, languageId: languageOf(path), version: 1, text },
    });
    return uri;
  }

  /** Sends ranged changes when the server syncs incrementally, else the whole new text. */
  change(uri: string, changes: TextChange[], fullText: () => string): void {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const sync = this.capabilities.textDocumentSync;
    const kind = typeof sync === 'number' ? sync : (sync as { change?: number } | undefined)?.change;
    const contentChanges = kind === 2 ? changes : [{ text: fullText() }];
    this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  close(uri: string): void {
    this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  /** Resolves with the first publish for `uri` after `afterSeq` whose diagnostics `accept`. */
  waitForDiagnostics(
    uri: string,
    afterSeq: number,
    accept: (d: Diagnostic[]) => boolean = () => true,
    timeoutMs = 120_000,
  ): Promise<Diagnostic[]> {
    const have = this.diagnostics.get(uri);
    if (have && have.seq > afterSeq && accept(have.items)) return Promise.resolve(have.items);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.removeWaiter(waiter);
        const last = this.diagnostics.get(uri);
        reject(
          new Error(
            `${this.spec.name}: no matching diagnostics for ${uri} within ${timeoutMs} ms` +
              ` (last: ${last ? JSON.stringify(last.items.slice(0, 3)) : 'none'})`,
          ),
        );
      }, timeoutMs);
      const waiter: DiagWaiter = {
        uri,
        afterSeq,
        accept,
        resolve: (d) => (clearTimeout(timer), resolve(d)),
      };
      const list = this.waiters.get(uri);
      if (list) list.push(waiter);
      else this.waiters.set(uri, [waiter]);
    });
  }

  private removeWaiter(waiter: DiagWaiter): void {
    const list = this.waiters.get(waiter.uri)?.filter((w) => w !== waiter);
    if (list?.length) this.waiters.set(waiter.uri, list);
    else this.waiters.delete(waiter.uri);
  }

  cpuMs(): number {
    return cpuMs(this.pid);
  }
  peakRssKb(): number {
    return peakRssKb(this.pid);
  }
  waitIdle(quietMs?: number, timeoutMs?: number): Promise<boolean> {
    return waitIdle(this.pid, quietMs, timeoutMs);
  }

  /** Polite shutdown, then a kill of this one process if it does not leave within two seconds. */
  async stop(): Promise<void> {
    if (this.exited) return;
    try {
      await this.request('shutdown', null, 5000);
      this.notify('exit', null);
    } catch {
      // A server that cannot shut down cleanly is killed below.
    }
    await new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      const timer = setTimeout(() => {
        this.proc.kill('SIGKILL');
        resolve();
      }, 2000);
      this.proc.once('exit', () => (clearTimeout(timer), resolve()));
    });
  }

  private send(msg: unknown): void {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this.proc.stdin!.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin!.write(body);
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const m = /Content-Length:\s*(\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString('ascii'));
      if (!m) {
        // Not a frame header (a stray log line on stdout): drop it and resynchronise.
        this.buffer = this.buffer.subarray(headerEnd + 4);
        continue;
      }
      const length = Number(m[1]);
      const start = headerEnd + 4;
      if (this.buffer.length < start + length) return;
      const body = this.buffer.subarray(start, start + length).toString('utf8');
      this.buffer = this.buffer.subarray(start + length);
      this.dispatch(JSON.parse(body) as Record<string, unknown>);
    }
  }

  private dispatch(msg: Record<string, unknown>): void {
    if (typeof msg.method === 'string' && msg.id !== undefined) {
      this.send({ jsonrpc: '2.0', id: msg.id, result: this.answer(msg.method, msg.params) });
    } else if (typeof msg.method === 'string') {
      if (msg.method === 'textDocument/publishDiagnostics') {
        const p = msg.params as { uri: string; diagnostics: Diagnostic[] };
        const seq = ++this.seq;
        this.diagnostics.set(p.uri, { seq, items: p.diagnostics });
        const waiting = this.waiters.get(p.uri);
        if (waiting) {
          const still: DiagWaiter[] = [];
          for (const w of waiting) {
            if (seq > w.afterSeq && w.accept(p.diagnostics)) w.resolve(p.diagnostics);
            else still.push(w);
          }
          if (still.length) this.waiters.set(p.uri, still);
          else this.waiters.delete(p.uri);
        }
      }
    } else if (msg.id !== undefined) {
      const p = this.pending.get(msg.id as number);
      if (!p) return;
      this.pending.delete(msg.id as number);
      if (msg.error)
        p.reject(new Error(`${this.spec.name}: ${p.method} failed: ${JSON.stringify(msg.error)}`));
      else p.resolve(msg.result);
    }
  }

  /** Answers the requests a server sends its client; unknown ones get null, which servers tolerate. */
  private answer(method: string, params: unknown): unknown {
    switch (method) {
      case 'workspace/configuration': {
        const items = (params as { items?: { section?: string }[] })?.items ?? [];
        return items.map((i) => section(this.spec.settings, i.section) ?? null);
      }
      case 'workspace/workspaceFolders':
        return [{ uri: uriOf(this.root), name: 'bench' }];
      default:
        return null;
    }
  }
}
