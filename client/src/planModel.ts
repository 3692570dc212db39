// The workspace plan as the client last received it, shared by the sync view, the status bar and Apply.
import * as vscode from 'vscode';
import { type WorkspacePlan, WorkspacePlanRequest } from '../../server/src/protocol';
import type { Session } from './session';

/** What the client knows before asking the server: the reasons no request may or can be sent. */
export interface LocalGate {
  trusted: boolean;
  apiUrl: string;
  hasKey: boolean;
}

export class PlanModel {
  plan: WorkspacePlan = { state: 'not-configured', entries: [] };
  private readonly changed = new vscode.EventEmitter<WorkspacePlan>();
  readonly onDidChange = this.changed.event;
  private pending: Promise<WorkspacePlan> | undefined;
  /** The call that follows the one in flight, shared by every call made meanwhile. */
  private next: Promise<WorkspacePlan> | undefined;
  /** A call came in while one was in flight: whether any of them asked for a re-read. */
  private again = false;

  constructor(
    private readonly session: Session,
    private readonly gate: () => LocalGate,
  ) {}

  /**
   * Asks the server for the plan. Calls made while one is in flight are folded into one more call after
   * it, so a burst of saves costs two requests, not one per save; each of them resolves with that
   * call's plan, never with the one in flight, which was computed before they were made (a re-read
   * asked for after a policy was created in the org answered without it: the real-editor suite).
   */
  refresh(reread = false): Promise<WorkspacePlan> {
    if (this.pending) {
      this.again ||= reread;
      this.next ??= this.pending
        .catch(() => undefined)
        .then(() => {
          const again = this.again;
          this.again = false;
          this.next = undefined;
          return this.refresh(again);
        });
      return this.next;
    }
    this.pending = this.load(reread).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async load(reread: boolean): Promise<WorkspacePlan> {
    const gate = this.gate();
    let plan: WorkspacePlan;
    if (!gate.trusted) {
      plan = {
        state: 'untrusted',
        message: 'This workspace is not trusted, so Policy Lens does not contact the live org.',
        entries: [],
      };
    } else if (gate.apiUrl === '' || !gate.hasKey) {
      plan = {
        state: 'not-configured',
        message:
          gate.apiUrl === ''
            ? 'Set policyLens.apiUrl to the live org’s API to see the sync plan.'
            : 'Run “Policy Lens: Set API Key” to see the sync plan.',
        entries: [],
      };
    } else {
      const answer = await this.session.request(
        WorkspacePlanRequest,
        { refresh: reread },
        'compute the sync plan',
      );
      plan = answer.ok ? answer.value : { state: 'offline', message: answer.message, entries: [] };
    }
    this.plan = plan;
    this.changed.fire(plan);
    return plan;
  }
}

/** A value as one line of text for a tree item: JSON, cut short. */
export function showValue(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
