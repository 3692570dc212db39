// `eval --event x.jsonl` reads each line as `replay` does: the aliases of docs/replay.md (Agent
// Sentinel's `kwargs`, `arguments`, `inputs`, `action_name`, `name`, `outputs`, `started_at`; `ts`)
// and the recorded outcome keys (`status`) are mapped by replay's decoder, and an unknown key is
// left out with replay's finding, on stderr. Eval said `unknown key "kwargs"` and exited 2 (a field
// test), on a file replay runs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { removeDir, runCli, tempDir, writeFiles } from '../sync/harness';

const LINES = [
  {
    action: 'issue_refund',
    agent_id: 'support-bot',
    kwargs: { order_id: 'x', amount: 10 },
    timestamp: '2026-12-07T10:00:00Z',
  },
  {
    action_name: 'verify_identity',
    agent_id: 'support-bot',
    inputs: { customer: 'c1' },
    outputs: { verified: true },
    started_at: '2026-12-07T10:01:00Z',
    status: 'success',
  },
  {
    name: 'issue_refund',
    agent_id: 'support-bot',
    arguments: { order_id: 'y', amount: 20 },
    ts: '2026-12-07T10:02:00Z',
    mystery: 1,
  },
];

describe('eval reads a .jsonl as replay reads it', () => {
  let dir: string;
  before(() => {
    dir = tempDir('eval-jsonl-aliases');
    writeFiles(dir, {
      'ev.jsonl': LINES.map((l) => JSON.stringify(l)).join('\n') + '\n',
      'support.json': JSON.stringify({
        name: 'refunds',
        commit_actions: ['issue_refund'],
        evidence_actions: ['lookup_order', 'verify_identity'],
        evidence_requirements: { issue_refund: ['verify_identity'] },
      }),
    });
  });
  after(() => removeDir(dir));

  it('accepts the aliases and decides each line as replay does', async () => {
    const r = await runCli(['eval', 'support.json', '--event', 'ev.jsonl', '--format', 'json'], {}, dir);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const decisions = (JSON.parse(r.stdout) as { results: { decision: string; at: string }[] }).results;
    // The refund before any evidence is blocked; verify_identity (action_name) is evidence, so the
    // refund named by `name` is allowed; `ts` and `started_at` are the clocks.
    assert.deepEqual(
      decisions.map((d) => [d.decision, d.at]),
      [
        ['block', '2026-12-07T10:00:00.000Z'],
        ['allow', '2026-12-07T10:01:00.000Z'],
        ['allow', '2026-12-07T10:02:00.000Z'],
      ],
    );
    assert.match(r.stderr, /ev\.jsonl:3: unknown field "mystery" left out .*\[replay\/unknown-field\]/);
    assert.doesNotMatch(r.stderr, /kwargs|arguments|inputs|status/);

    const replayed = await runCli(
      ['replay', 'ev.jsonl', '--policies', 'support.json', '--against', 'support.json', '--format', 'json'],
      {},
      dir,
    );
    assert.equal(replayed.status, 0, replayed.stdout + replayed.stderr);
    const report = JSON.parse(replayed.stdout) as {
      decisions: { current: Record<string, number> };
      findings: { line: number; code: string }[];
    };
    const counted = { allow: 0, warn: 0, require_approval: 0, block: 0 } as Record<string, number>;
    for (const d of decisions) counted[d.decision]++;
    assert.deepEqual(report.decisions.current, counted);
    assert.deepEqual(
      report.findings.map((f) => [f.line, f.code]),
      [[3, 'replay/unknown-field']],
    );
  });
});
