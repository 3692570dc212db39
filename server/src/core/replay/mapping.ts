/**
 * How recorded traffic that is not in the event shape of `policylens eval` loads without being
 * rewritten: the keys of Execlave's enforce and validator request bodies and of Agent Sentinel's
 * guarded-action records that differ from the event's, and the keys of a recorded outcome that a
 * replay reads past. docs/replay.md prints both tables; a key in neither, and not in
 * schemas/policylens/event.schema.json, is an unknown field (a finding; the event is replayed
 * without it).
 */
import eventSchema from '../../../../schemas/policylens/event.schema.json';

/** The event's own keys (schemas/policylens/event.schema.json). */
export const EVENT_KEYS: ReadonlySet<string> = new Set(
  Object.keys(
    (eventSchema as unknown as { $defs: { event: { properties: Record<string, unknown> } } }).$defs.event
      .properties,
  ),
);

/**
 * Other spellings of event keys, with where each comes from. An alias is used only when the
 * event's own key is absent: `{"action": "a", "name": "b"}` replays action `a`.
 */
export const ALIASES: Readonly<Record<string, { to: string; from: string }>> = {
  organizationId: { to: 'orgId', from: 'Execlave validator request body (reference §1.7)' },
  action_name: { to: 'action', from: 'Agent Sentinel action record' },
  name: { to: 'action', from: 'Agent Sentinel @guarded_action(name=…) (reference §3.9)' },
  arguments: { to: 'args', from: 'Agent Sentinel action record' },
  inputs: { to: 'args', from: 'Agent Sentinel action record' },
  kwargs: { to: 'args', from: 'Agent Sentinel action record (Python keyword arguments)' },
  outputs: { to: 'result', from: 'Agent Sentinel action record' },
  ts: { to: 'timestamp', from: 'log records' },
  started_at: { to: 'timestamp', from: 'Agent Sentinel action record' },
  created_at: { to: 'timestamp', from: 'log records' },
};

/**
 * Keys of what was recorded about the original decision or the record itself: read past without
 * a finding, since an export carries them and the replay decides afresh.
 */
export const RECORDED_KEYS: ReadonlySet<string> = new Set([
  // Execlave's EnforceResult (reference §1.10) when a log stores it beside the request.
  'allowed',
  'requiresApproval',
  'approvalRequestId',
  'violations',
  'warnings',
  'certificate',
  'source',
  'semanticCheck',
  // Agent Sentinel's outcome and error fields (reference §3.7).
  'status',
  'decision',
  'error_code',
  'reason_code',
  'duration_ms',
  'ended_at',
  'completed_at',
  'idempotency_key',
  // Record ids.
  'id',
  'event_id',
  'eventId',
  'request_id',
  'requestId',
  'delivery_id',
]);

export interface Mapped {
  event: Record<string, unknown>;
  /** Keys that are no event key, alias or recorded key: left out of the replayed event. */
  unknown: string[];
}

/** The event of a recorded object: aliases renamed, recorded keys dropped, unknown keys listed. */
export function mapRecord(value: Record<string, unknown>): Mapped {
  let event: Record<string, unknown> | undefined;
  let unknown: string[] | undefined;
  for (const key in value) {
    if (EVENT_KEYS.has(key)) continue;
    // The first key that is not the event's own: copy what came before and map from here on.
    event ??= copyKnown(value);
    // An own key only: `ALIASES.constructor` is Object, and `ALIASES.__proto__` Object.prototype.
    const alias = Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined;
    if (alias) {
      if (!Object.prototype.hasOwnProperty.call(event, alias.to)) event[alias.to] = value[key];
    } else if (!RECORDED_KEYS.has(key)) (unknown ??= []).push(key);
  }
  return { event: event ?? value, unknown: unknown ?? [] };
}

function copyKnown(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in value) if (EVENT_KEYS.has(key)) out[key] = value[key];
  return out;
}
