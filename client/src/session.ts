// The one running language client, shared by the views. Requests made while the server is down, or that
// the server does not implement, come back as a readable failure instead of an exception.
import * as vscode from 'vscode';
import { type LanguageClient, State } from 'vscode-languageclient/node';
import type { NotificationType, RequestType } from 'vscode-languageclient/node';
import type { PlanChangedParams } from '../../server/src/protocol';

/** JSON-RPC's "method not found": a server built before this request existed. */
const METHOD_NOT_FOUND = -32601;

export type Answer<R> = { ok: true; value: R } | { ok: false; message: string };

export class Session {
  client: LanguageClient | undefined;
  private readonly started = new vscode.EventEmitter<void>();
  /** Fires each time a (re)started server is ready to answer. */
  readonly onDidStart = this.started.event;
  private readonly planChanged = new vscode.EventEmitter<void>();
  /** Fires when the server says its plan changed. */
  readonly onDidChangePlan = this.planChanged.event;

  async start(client: LanguageClient, planChangedType: NotificationType<PlanChangedParams>): Promise<void> {
    this.client = client;
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) this.started.fire();
    });
    await client.start();
    client.onNotification(planChangedType, () => this.planChanged.fire());
    this.started.fire();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.stop().catch(() => undefined);
  }

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  async request<P, R>(type: RequestType<P, R, void>, params: P, what: string): Promise<Answer<R>> {
    const client = this.client;
    if (!client || client.state !== State.Running) {
      return { ok: false, message: 'The Policy Lens language server is not running.' };
    }
    try {
      // Sent as the typed request, not by its method name: the result is the protocol's R. `params`
      // is checked as P where `request` is called; the library's conditional parameter type cannot
      // be resolved for a generic P, hence the cast.
      return { ok: true, value: await client.sendRequest(type, params as never) };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === METHOD_NOT_FOUND) {
        return { ok: false, message: `This version of the language server cannot ${what} yet.` };
      }
      return { ok: false, message: `Could not ${what}: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
}
