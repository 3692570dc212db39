// Starting the language server's process. The first one is forked on the first line of `activate()`,
// before anything awaits: forked by the language client, it waited for the extension host's event
// loop (a `stat` of the working folder, then the fork), which at the editor's start is busy
// activating the other extensions — 150–800 ms measured (docs/decisions/extension.md, "Activation
// time"). The client then takes that process; a restart forks a new one the same way. The process
// speaks LSP over Node's IPC channel, and gets the API key on its standard input (never in a
// message a trace could print).
import { type ChildProcess, fork } from 'node:child_process';
import { statSync } from 'node:fs';
import * as vscode from 'vscode';
import { IPCMessageReader, IPCMessageWriter, type MessageTransports } from 'vscode-languageclient/node';
import { SERVER_NODE_FLAGS } from '../../server/src/protocol';

export interface ServerStart {
  serverModule: string;
  /** Variables set in the server's environment, over the extension host's own. */
  env: Record<string, string>;
  /** The API key, once read: written to the server's standard input, or an empty line. */
  apiKey: Promise<string | undefined>;
}

export class ServerProcesses {
  /** Forked ahead of the client; taken by the first client whose start it matches. */
  private early: { proc: ChildProcess; key: string } | undefined;
  /** The process the current client talks to. */
  current: ChildProcess | undefined;

  constructor(private readonly out: vscode.LogOutputChannel) {}

  /** Forks a server now, for the client started next with the same module and environment. */
  prestart(start: Omit<ServerStart, 'apiKey'>): void {
    this.early = { proc: this.fork(start), key: keyOf(start) };
  }

  /** What the language client calls to start its server: the process forked ahead, or a new one. */
  transports(start: ServerStart): () => Promise<MessageTransports> {
    return async () => {
      const early = this.early;
      this.early = undefined;
      let proc: ChildProcess;
      if (early && early.key === keyOf(start) && early.proc.exitCode === null && early.proc.connected)
        proc = early.proc;
      else {
        early?.proc.kill();
        proc = this.fork(start);
      }
      this.current = proc;
      const stdin = proc.stdin;
      if (stdin) {
        // A server that died meanwhile closed the pipe: nothing to hand over then.
        stdin.on('error', () => undefined);
        void start.apiKey.then(
          (key) => stdin.end(`${key ?? ''}\n`),
          () => stdin.end('\n'),
        );
      }
      return { reader: new IPCMessageReader(proc), writer: new IPCMessageWriter(proc) };
    };
  }

  /** After the client stopped: a server still running two seconds later is ended (as the client does). */
  reap(proc: ChildProcess | undefined): void {
    if (!proc) return;
    setTimeout(() => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill();
    }, 2000).unref();
  }

  dispose(): void {
    this.early?.proc.kill();
    this.early = undefined;
  }

  private fork(start: Omit<ServerStart, 'apiKey'>): ChildProcess {
    // As vscode-languageclient forks a `module` server over IPC: the extension host's Node, its
    // environment plus ours, the first workspace folder as the working directory; our Node flags.
    const debug = process.execArgv.some((a) => /^--(inspect|debug)(-brk)?(=|$)/.test(a));
    const proc = fork(start.serverModule, ['--node-ipc', `--clientProcessId=${process.pid}`], {
      cwd: workingDir(),
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ELECTRON_NO_ASAR: '1', ...start.env },
      execArgv: [...SERVER_NODE_FLAGS, ...(debug ? ['--nolazy', '--inspect=6011'] : [])],
      silent: true,
    });
    // The pipes must be read, or a chatty server would block on a full one.
    proc.stdout?.on('data', (d: Buffer) => this.out.append(d.toString()));
    proc.stderr?.on('data', (d: Buffer) => this.out.append(d.toString()));
    proc.on('error', (err) => this.out.error(`The language server could not be started: ${err.message}`));
    return proc;
  }
}

function keyOf(start: Omit<ServerStart, 'apiKey'>): string {
  return JSON.stringify([start.serverModule, start.env]);
}

function workingDir(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (folder?.scheme !== 'file') return undefined;
  try {
    return statSync(folder.fsPath).isDirectory() ? folder.fsPath : undefined;
  } catch {
    return undefined;
  }
}
