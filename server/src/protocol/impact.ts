// The impact of a pending sync change on recorded traffic (`policyLens.replay.events`): a summary on
// each plan entry, and the affected events of one policy for a read-only document or a tree.
import { RequestType } from 'vscode-languageserver-protocol';

/**
 * What replaying the recorded events through the live org, as it is and with one entry's change,
 * says: `computing` while a replay runs in the background, `ok` with the counts, `error` when the
 * events could not be replayed (`message` says why, briefly; the details are in the server's log).
 */
export interface PlanImpact {
  state: 'computing' | 'ok' | 'error';
  /** Events decided by both sides. */
  events?: number;
  /** Events whose decision differs. */
  changed?: number;
  /** Allowed (allow, warn) by the live org, not with the change (block, require_approval). */
  newlyBlocked?: number;
  /** The reverse. */
  newlyAllowed?: number;
  message?: string;
}

/** One event whose decision the change alters. */
export interface AffectedEvent {
  /** The events file, as configured (workspace-relative). */
  file?: string;
  /** The event's line in that file (1-based). */
  line: number;
  agent?: string;
  /** The decision with the live org as it is, and with the change. */
  before: string;
  after: string;
  /** The policies that decide on each side (those whose effect is the decision). */
  beforePolicies: string[];
  afterPolicies: string[];
}

export interface AffectedEventsParams {
  /** The policy name of a plan entry. */
  name: string;
}

export interface AffectedEvents {
  /** `none`: no pending change of that name, or no events configured. */
  state: 'ok' | 'computing' | 'error' | 'none';
  name: string;
  impact?: PlanImpact;
  /** The first examples of each decision change, by line. */
  events: AffectedEvent[];
  /** The whole answer as plain text, for a read-only document. */
  text: string;
}

/** `policyLens/affectedEvents`: the events whose decision one pending change alters. */
export const AffectedEventsRequest = new RequestType<AffectedEventsParams, AffectedEvents, void>(
  'policyLens/affectedEvents',
);

/**
 * Client commands of the impact: `showAffectedEvents` takes `{ name }` (the impact lens and the Sync
 * view's impact item carry it) and opens the answer of {@link AffectedEventsRequest}.
 */
export const REPLAY_COMMANDS = {
  showAffectedEvents: 'policyLens.replay.showAffectedEvents',
} as const;

/**
 * The words of an impact, the same in the lens and the Sync view: `would block +12 · allow +0`,
 * `impact…` while it is computed, `impact: <why not>`.
 */
export function impactTitle(impact: PlanImpact): string {
  if (impact.state === 'computing') return 'impact…';
  if (impact.state === 'error') return `impact: ${impact.message ?? 'unavailable'}`;
  const other = (impact.changed ?? 0) - (impact.newlyBlocked ?? 0) - (impact.newlyAllowed ?? 0);
  return `would block +${impact.newlyBlocked ?? 0} · allow +${impact.newlyAllowed ?? 0}${other > 0 ? ` · ${other} other change${other === 1 ? '' : 's'}` : ''}`;
}
