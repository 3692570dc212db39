// The History view's version reconstruction (pure; the view itself is tested in the real editor).
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { versionSnapshots } from '../../client/src/views/historyVersions';
import type { HistoryEvent } from '../../server/src/protocol';

const ev = (version: number, eventType: string, diff: HistoryEvent['diff']): HistoryEvent => ({
  version,
  eventType,
  actorId: 'a',
  actor: 'a',
  changedAt: '2026-11-22T00:00:00Z',
  diff,
});

const events = [
  ev(1, 'policy.created', null),
  ev(2, 'policy.updated', { enforcementMode: { from: 'log_only', to: 'block' } }),
  ev(3, 'policy.updated', { metadata: { from: null, to: { owner: 'sec' } } }),
];

test('undoes the diffs newest-first from the live policy', () => {
  const latest = { name: 'P', enforcementMode: 'block', metadata: { owner: 'sec' } };
  assert.deepEqual(versionSnapshots(events, latest), [
    { name: 'P', enforcementMode: 'log_only' },
    { name: 'P', enforcementMode: 'block' },
    { name: 'P', enforcementMode: 'block', metadata: { owner: 'sec' } },
  ]);
});

test('replays the diffs forward when the policy is gone', () => {
  const gone = [...events, ev(4, 'policy.deleted', null)];
  const out = versionSnapshots(gone, { name: 'ignored' });
  assert.deepEqual(out[1], { enforcementMode: 'block' });
  assert.deepEqual(out[3], { enforcementMode: 'block', metadata: { owner: 'sec' } });
});

test('prefers the snapshots the server sends', () => {
  const withSnap = [{ ...events[0]!, snapshot: { name: 'P', enforcementMode: 'warn' } }, events[1]!];
  assert.deepEqual(versionSnapshots(withSnap, undefined), [
    { name: 'P', enforcementMode: 'warn' },
    { name: 'P', enforcementMode: 'block' },
  ]);
  assert.deepEqual(versionSnapshots([], undefined), []);
});
