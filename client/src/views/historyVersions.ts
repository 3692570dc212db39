// Rebuilds the whole policy at each version of its history, for the History view's diffs. The history
// API returns only field-level diffs (and maybe a snapshot per event); with the current live policy the
// earlier versions follow by undoing the diffs newest-first, and without it by replaying them forward.
import type { HistoryEvent } from '../../../server/src/protocol';

type Policy = Record<string, unknown>;

/** `null` in a history diff means "absent" (the registry's convention). */
function put(target: Policy, key: string, value: unknown): void {
  if (value === undefined || value === null) delete target[key];
  else target[key] = value;
}

/**
 * The policy after each event (same indexes as `events`). `latest` is the live policy now, when it
 * still exists; a deleted policy has none and is replayed forward from its creation.
 */
export function versionSnapshots(events: readonly HistoryEvent[], latest: Policy | undefined): Policy[] {
  const n = events.length;
  const out: Policy[] = new Array<Policy>(n);
  const last = events[n - 1];
  if (n > 0 && latest && !last!.eventType.endsWith('deleted')) {
    out[n - 1] = last!.snapshot ?? { ...latest };
    for (let i = n - 1; i > 0; i--) {
      const prev: Policy = { ...out[i] };
      for (const [k, change] of Object.entries(events[i]!.diff ?? {})) put(prev, k, change.from);
      out[i - 1] = events[i - 1]!.snapshot ?? prev;
    }
    return out;
  }
  let cur: Policy = {};
  events.forEach((e, i) => {
    cur = e.snapshot ? { ...e.snapshot } : { ...cur };
    for (const [k, change] of Object.entries(e.diff ?? {})) put(cur, k, change.to);
    out[i] = cur;
  });
  return out;
}
