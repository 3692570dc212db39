// A small LSP client for protocol tests: it spawns the built server (`node dist/server.js --stdio`) and
// speaks real JSON-RPC with Content-Length framing. Reuse it for every test that talks to the server.
import type { ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { spawnTransport, type Transport } from './serverProcess';

export { SERVER_JS, spawnTransport, type Transport } from './serverProcess';
export { applyTextEdits, offsetAt, positionAt, splitCursor } from './textEdits';

export interface Diagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string | number;
  codeDescription?: { href: string };
  source?: string;
  message: string;
  relatedInformation?: unknown[];
  tags?: number[];
}

export interface PublishDiagnosticsParams {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  method: string;
  timer: NodeJS.Timeout;
}

type Waiter = {
  match: (p: PublishDiagnosticsParams) => boolean;
  resolve: (p: PublishDiagnosticsParams) => void;
};

/** How long a request may take before the client gives up: a hang guard, not a timing assertion. */
const REQUEST_TIMEOUT_MS = 20_000;

export function fileUri(path: string): string {
  return pathToFileURL(path).toString();
}

export class LspClient {
  /** The spawned server process (undefined for an in-process server). */
  readonly proc: ChildProcess | undefined;
  private readonly transport: Transport;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly waiters: Waiter[] = [];
  private readonly versions = new Map<string, number>();
  private readonly texts = new Map<string, string>();
  /** Where in `diagnostics` the latest open of each URI started: older publishes are history. */
  private readonly openedAt = new Map<string, number>();
  /** Every publishDiagnostics received, oldest first. */
  readonly diagnostics: PublishDiagnosticsParams[] = [];
  /** `window/logMessage` texts. */
  readonly logs: string[] = [];
  /** Every other notification the server sent (`policyLens/planChanged`, `$/progress`, …), in order. */
  readonly notifications: { method: string; params: unknown; hasParams: boolean }[] = [];
  /** Every request the server sent to the client (`workspace/applyEdit`, …), with its params. */
  readonly serverRequests: { method: string; params: unknown }[] = [];
  /** Checks of `until`, run after every message from the server. */
  private readonly watchers = new Set<() => void>();
  /** Answers to server requests by method; the default answers are below. */
  readonly handlers = new Map<string, (params: unknown) => unknown>();
  /** Settings returned for `workspace/configuration` (section `policyLens`). */
  settings: Record<string, unknown> = {};
  exited: Promise<number | null>;
  stderr = '';

  /**
   * Spawns `dist/server.js` (`nodeArgs` go to node itself, e.g. `--cpu-prof`, `args` to the server),
   * or talks over a transport that is already connected (`inProcessTransport` in
   * test/support/inProcess.ts runs the server's sources in this process).
   */
  constructor(
    args: string[] | Transport = ['--stdio'],
    env: NodeJS.ProcessEnv = process.env,
    nodeArgs: string[] = [],
  ) {
    this.transport = Array.isArray(args) ? spawnTransport(args, env, nodeArgs) : args;
    this.proc = this.transport.proc;
    this.transport.output.on('data', (chunk: Buffer) => this.onData(chunk));
    this.transport.onStderr?.((text) => (this.stderr += text));
    this.exited = this.transport.exited;
    this.handlers.set('workspace/configuration', (p) =>
      ((p as { items: { section?: string }[] }).items ?? []).map((i) =>
        i.section === 'policyLens' ? this.settings : null,
      ),
    );
    this.handlers.set('workspace/applyEdit', () => ({ applied: true }));
    this.handlers.set('client/registerCapability', () => null);
    this.handlers.set('window/workDoneProgress/create', () => null);
  }

  get alive(): boolean {
    return this.transport.alive();
  }

  private send(msg: object): void {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }), 'utf8');
    this.transport.input.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.transport.input.write(body);
  }

  /** Chunks of a message still incomplete, and how many more bytes it needs (see onData). */
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  private need = 0;

  private onData(chunk: Buffer): void {
    // A 20 MB answer (100,000 diagnostics) arrives in hundreds of chunks; joining them once when
    // the message is complete keeps reading linear instead of copying the buffer per chunk.
    this.chunks.push(chunk);
    this.chunkBytes += chunk.length;
    if (this.chunkBytes < this.need) return;
    this.buffer = Buffer.concat([this.buffer, ...this.chunks]);
    this.chunks = [];
    this.chunkBytes = 0;
    this.need = 0;
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const m = /Content-Length: (\d+)/i.exec(header);
      if (!m) throw new Error(`bad header from server: ${header}`);
      const len = Number(m[1]);
      if (this.buffer.length < headerEnd + 4 + len) {
        this.need = headerEnd + 4 + len - this.buffer.length;
        return;
      }
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + len).toString('utf8');
      this.buffer = this.buffer.subarray(headerEnd + 4 + len);
      this.onMessage(JSON.parse(body));
    }
  }

  private onMessage(msg: {
    id?: number | string;
    method?: string;
    params?: unknown;
    result?: unknown;
    error?: { code: number; message: string };
  }): void {
    this.handle(msg);
    for (const watcher of [...this.watchers]) watcher();
  }

  private handle(msg: {
    id?: number | string;
    method?: string;
    params?: unknown;
    result?: unknown;
    error?: { code: number; message: string };
  }): void {
    if (msg.method && msg.id !== undefined) {
      this.serverRequests.push({ method: msg.method, params: msg.params });
      const handler = this.handlers.get(msg.method);
      // A handler that throws answers with an error (a client refusing a registration).
      let answer: { result: unknown } | { error: { code: number; message: string } };
      try {
        answer = { result: handler ? handler(msg.params) : null };
      } catch (e) {
        const err = e as Error & { code?: number };
        answer = { error: { code: err.code ?? -32603, message: err.message } };
      }
      this.send({ id: msg.id, ...answer });
      return;
    }
    if (msg.method) {
      if (msg.method === 'textDocument/publishDiagnostics') {
        const p = msg.params as PublishDiagnosticsParams;
        this.diagnostics.push(p);
        for (let i = this.waiters.length - 1; i >= 0; i--)
          if (this.waiters[i].match(p)) this.waiters.splice(i, 1)[0].resolve(p);
      } else if (msg.method === 'window/logMessage')
        this.logs.push((msg.params as { message: string }).message);
      else this.notifications.push({ method: msg.method, params: msg.params, hasParams: 'params' in msg });
      return;
    }
    const pending = this.pending.get(Number(msg.id));
    if (!pending) return;
    this.pending.delete(Number(msg.id));
    clearTimeout(pending.timer);
    if (msg.error)
      pending.reject(Object.assign(new Error(`${pending.method}: ${msg.error.message}`), msg.error));
    else pending.resolve(msg.result);
  }

  request<T = unknown>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer from the server (alive: ${this.alive})\n${this.stderr}`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method, timer });
      this.send({ id, method, params });
    });
  }

  /**
   * Resolves once `check` holds, tried now and after each message from the server (a log line, a
   * notification, a request of the server): no polling. The timeout is a hang guard, not a timing
   * assertion.
   */
  until(check: () => boolean, what: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const watcher = () => {
        if (!check()) return;
        this.watchers.delete(watcher);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.watchers.delete(watcher);
        reject(new Error(`never happened: ${what}`));
      }, timeoutMs);
      this.watchers.add(watcher);
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ method, params });
  }

  /** `initialize` + `initialized`, with the capabilities a full client (VS Code) announces. */
  async initialize(
    options: {
      rootUri?: string;
      /** More workspace folders after `rootUri`'s. */
      moreFolders?: string[];
      initializationOptions?: unknown;
      capabilities?: object;
    } = {},
  ) {
    const result = await this.request<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: this.transport.processId,
      rootUri: options.rootUri ?? null,
      workspaceFolders: options.rootUri
        ? [options.rootUri, ...(options.moreFolders ?? [])].map((uri, i) => ({ uri, name: `ws${i || ''}` }))
        : null,
      initializationOptions: options.initializationOptions,
      capabilities: options.capabilities ?? {
        workspace: {
          configuration: true,
          applyEdit: true,
          workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
          didChangeWatchedFiles: { dynamicRegistration: false },
        },
        textDocument: {
          publishDiagnostics: {
            relatedInformation: true,
            versionSupport: true,
            codeDescriptionSupport: true,
          },
          completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown'] } },
          hover: { contentFormat: ['markdown'] },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source'] } } },
          documentSymbol: { hierarchicalDocumentSymbolSupport: true },
        },
      },
    });
    this.notify('initialized', {});
    return result;
  }

  /**
   * Waits for the publishDiagnostics of `uri` with at least `version` (one already received counts),
   * or, without a version, for the next one.
   */
  waitForDiagnostics(uri: string, version?: number): Promise<PublishDiagnosticsParams> {
    if (version !== undefined) {
      const from = this.openedAt.get(uri) ?? 0;
      const seen = this.diagnostics
        .slice(from)
        .reverse()
        .find((p) => p.uri === uri && (p.version ?? -1) >= version);
      if (seen) return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no diagnostics for ${uri}${version === undefined ? '' : ` v${version}`}\n${this.stderr}`,
            ),
          ),
        REQUEST_TIMEOUT_MS,
      );
      this.waiters.push({
        match: (p) => p.uri === uri && (version === undefined || (p.version ?? -1) >= version),
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      });
    });
  }

  /** Waits for the next publishDiagnostics of `uri` that satisfies `accept`. */
  waitForDiagnosticsWhere(
    uri: string,
    accept: (p: PublishDiagnosticsParams) => boolean,
  ): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching diagnostics for ${uri}\n${this.stderr}`)),
        REQUEST_TIMEOUT_MS,
      );
      this.waiters.push({
        match: (p) => p.uri === uri && accept(p),
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      });
    });
  }

  /** Opens a document (its diagnostics follow; wait for them with `waitForDiagnostics(uri, 1)`). */
  open(uri: string, text: string, languageId = /\.json$/.test(uri) ? 'json' : 'yaml'): void {
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    this.openedAt.set(uri, this.diagnostics.length);
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Replaces the whole text; returns the new version. */
  change(uri: string, text: string): number {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    this.texts.set(uri, text);
    this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  /** Inserts text at the end of the document, as typing does (an incremental change). */
  type(uri: string, more: string): number {
    const old = this.texts.get(uri) ?? '';
    const lines = old.split('\n');
    const pos = { line: lines.length - 1, character: lines[lines.length - 1].length };
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    this.texts.set(uri, old + more);
    this.notify('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: pos, end: pos }, text: more }],
    });
    return version;
  }

  close(uri: string): void {
    this.versions.delete(uri);
    this.texts.delete(uri);
    this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  textOf(uri: string): string | undefined {
    return this.texts.get(uri);
  }

  /**
   * `shutdown` + `exit`, then waits for the process to end. An in-process server is never sent
   * `exit` (vscode-languageserver answers it with `process.exit`): it is closed instead.
   */
  async shutdown(): Promise<number | null> {
    if (!this.alive) return this.proc?.exitCode ?? null;
    await this.request('shutdown', null);
    if (!this.proc) {
      this.transport.kill();
      return this.exited;
    }
    this.notify('exit', null);
    const code = await this.exited;
    return code;
  }

  kill(): void {
    if (this.alive) this.transport.kill();
  }
}
