// Replay's memory does not grow with the number of distinct agents or of distinct outcomes (issue
// 14 §2: peak memory for any input ≤ 300 MB). Before, every agent with a change had its counts (a
// million agents: 1.05 GB, a 123 MB report), on two threads the workers and the pairing thread kept
// every agent name ever seen, changed or not, and each side numbered every distinct set of deciding
// policies (2^20 of them: 900 MB). Here the CLI runs with a heap far smaller than those would take,
// on one thread and on two, with the same report: it says where the agent list was cut, and the
// outcomes past the table are counted exactly.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import type { ReplayReport } from '../../server/src/core/index';
import { formatReport } from '../../server/src/cli/replay/format';
import { removeDir, runCli, tempDir, type CliResult } from '../sync/harness';

/** The heap the CLI gets, in MB (each worker gets the same limit). */
const HEAP_MB = 24;
const AGENTS = 60_000;
/**
 * Agents without a change, on two threads with a 16 MB heap: they were numbered on every thread
 * (the parts path kept less per name, and needs more of them to run out of heap before).
 */
const UNCHANGED = { parts: 300_000, sides: 150_000 };
const UNCHANGED_HEAP_MB = 16;
/** Keyword policies: every subset of them occurs, 2^15 outcomes per side. */
const KEYWORDS = 15;

function replay(dir: string, threads: string, heapMb = HEAP_MB): Promise<CliResult> {
  const args = [
    'replay',
    join(dir, 'events.jsonl'),
    '--threads',
    threads,
    '--format',
    'json',
    '--examples',
    '2',
  ];
  const sides = ['--policies', join(dir, 'current'), '--against', join(dir, 'baseline')];
  return runCli([...args, ...sides], {}, undefined, [`--max-old-space-size=${heapMb}`]);
}

/** Baseline and current folders: each policy `monitor` on the baseline, `block` in the working tree. */
function sides(dir: string, policies: (mode: string) => Record<string, string>, sentinel: boolean): void {
  for (const [side, mode] of [
    ['baseline', 'monitor'],
    ['current', 'block'],
  ]) {
    mkdirSync(join(dir, side), { recursive: true });
    for (const [name, text] of Object.entries(policies(mode))) writeFileSync(join(dir, side, name), text);
    // An Agent Sentinel policy that decides nothing here: the replay runs one side per worker.
    if (sentinel)
      writeFileSync(
        join(dir, side, 'callguard.yaml'),
        'rate_limits: {never_called: {max_count: 3, window_seconds: 60}}\n',
      );
  }
}

const pii = (mode: string) => ({
  'pii.yaml': `name: PII Protection\npolicyType: pii_access\nenforcementMode: ${mode}\nruleDefinition:\n  denied_pii_types: [ssn]\n`,
});

const keywords = (mode: string) =>
  Object.fromEntries(
    Array.from({ length: KEYWORDS }, (_, j) => [
      `kw${j}.yaml`,
      `name: Keyword ${j}\npolicyType: expression\nenforcementMode: ${mode}\nruleDefinition:\n  expression: input.contains("kw${j}x")\n`,
    ]),
  );

interface Report {
  replayed: number;
  changed: number;
  byPolicy: { policy: string; changed: number }[];
  byAgent: { agent: string; changed: number; uncounted?: number }[];
  byAgentRest?: { agents: number; estimated?: true; changed: number; tracked: number };
}

describe('policylens replay holds its memory whatever the agents and outcomes', () => {
  let root: string;
  before(() => {
    root = tempDir('replay-bounds');
    // Every event a different agent, every one a change (warn → block); the Agent Sentinel variant
    // runs one side per worker, whose threads numbered every agent of the stream.
    const agents = (n: number, input: string) =>
      Array.from({ length: n }, (_, i) => `${JSON.stringify({ agentId: `agent-${i}`, input })}\n`).join('');
    const outcomes = Array.from({ length: 2 ** KEYWORDS }, (_, i) => {
      const words = Array.from({ length: KEYWORDS }, (_, j) => (i & (1 << j) ? `kw${j}x` : '')).filter(
        Boolean,
      );
      return `${JSON.stringify({ agentId: 'bot', input: words.join(' ') || 'nothing' })}\n`;
    }).join('');
    for (const sentinel of [false, true]) {
      const agentsDir = join(root, `agents${sentinel ? '-sentinel' : ''}`);
      sides(agentsDir, pii, sentinel);
      writeFileSync(join(agentsDir, 'events.jsonl'), agents(AGENTS, 'my SSN is 123-45-6789'));
      const unchangedDir = join(root, `unchanged${sentinel ? '-sentinel' : ''}`);
      sides(unchangedDir, pii, sentinel);
      writeFileSync(
        join(unchangedDir, 'events.jsonl'),
        agents(UNCHANGED[sentinel ? 'sides' : 'parts'], 'hello'),
      );
      const outcomesDir = join(root, `outcomes${sentinel ? '-sentinel' : ''}`);
      sides(outcomesDir, keywords, sentinel);
      writeFileSync(join(outcomesDir, 'events.jsonl'), outcomes);
    }
  });
  after(() => removeDir(root));

  for (const sentinel of [false, true]) {
    const path = sentinel ? 'one side per worker' : 'parts on workers';
    it(`${AGENTS.toLocaleString('en')} agents that change: the 1,000 most changed and the rest counted (${path})`, async () => {
      const dir = join(root, `agents${sentinel ? '-sentinel' : ''}`);
      const one = await replay(dir, '1');
      assert.equal(one.status, 0, one.stderr.slice(-2000));
      const report = JSON.parse(one.stdout) as Report;
      assert.equal(report.changed, AGENTS);
      assert.equal(report.byAgent.length, 1000);
      const rest = report.byAgentRest!;
      assert.equal(rest.estimated, true);
      assert.equal(rest.tracked, 10_000);
      assert.ok(Math.abs(rest.agents - AGENTS) < AGENTS * 0.05, `about ${AGENTS} agents, not ${rest.agents}`);
      const listed = report.byAgent.reduce((a, r) => a + r.changed, 0);
      assert.equal(listed + rest.changed, AGENTS, 'each change counted once, in a row or in the rest');
      const two = await replay(dir, '2');
      assert.equal(two.status, 0, two.stderr.slice(-2000));
      assert.equal(two.stdout, one.stdout);
    });

    const unchanged = UNCHANGED[sentinel ? 'sides' : 'parts'];
    it(`${unchanged.toLocaleString('en')} agents without a change, on two threads (${path})`, async () => {
      const two = await replay(join(root, `unchanged${sentinel ? '-sentinel' : ''}`), '2', UNCHANGED_HEAP_MB);
      assert.equal(two.status, 0, two.stderr.slice(-2000));
      const report = JSON.parse(two.stdout) as Report;
      assert.equal(report.replayed, unchanged);
      assert.equal(report.changed, 0);
    });

    it(`2^${KEYWORDS} distinct outcomes per side: every count exact (${path})`, async () => {
      const dir = join(root, `outcomes${sentinel ? '-sentinel' : ''}`);
      const one = await replay(dir, '1');
      assert.equal(one.status, 0, one.stderr.slice(-2000));
      const report = JSON.parse(one.stdout) as Report;
      assert.equal(report.replayed, 2 ** KEYWORDS);
      // Every event but the first (no keyword) goes warn → block; each policy decides half of them.
      assert.equal(report.changed, 2 ** KEYWORDS - 1);
      assert.equal(report.byPolicy.length, KEYWORDS);
      for (const p of report.byPolicy) assert.equal(p.changed, 2 ** (KEYWORDS - 1), p.policy);
      assert.deepEqual(report.byAgent, [
        { agent: 'bot', changed: 2 ** KEYWORDS - 1, transitions: { 'warn → block': 2 ** KEYWORDS - 1 } },
      ]);
      const two = await replay(dir, '2');
      assert.equal(two.status, 0, two.stderr.slice(-2000));
      assert.equal(two.stdout, one.stdout);
    });
  }
});

// The agents were bounded in number but not in size: each name was kept whole, and a line may be
// up to 8 MiB. 64 agents of 1 MB each held 64 MB of names, past this heap; each is now a label of
// at most 256 characters, two names that differ only at their end still two agents.
describe('policylens replay holds agent names of a megabyte as labels', () => {
  const NAMES = 64;
  let dir: string;
  before(() => {
    dir = join(tempDir('replay-names'), 'names');
    sides(dir, pii, false);
    const long = 'a'.repeat(1 << 20);
    // One gzip member per line (the file is 64 MB unzipped, 70 KB on disk).
    const members = Array.from({ length: NAMES }, (_, i) =>
      gzipSync(`${JSON.stringify({ agentId: `${long}-${i}`, input: 'my SSN is 123-45-6789' })}\n`),
    );
    writeFileSync(join(dir, 'events.jsonl'), Buffer.concat(members));
  });
  after(() => removeDir(join(dir, '..')));

  it(`${NAMES} agents named by a megabyte each, under a ${HEAP_MB} MB heap, on one thread and two`, async () => {
    const one = await replay(dir, '1');
    assert.equal(one.status, 0, one.stderr.slice(-2000));
    const report = JSON.parse(one.stdout) as Report;
    assert.equal(report.changed, NAMES);
    assert.equal(report.byAgent.length, NAMES, 'names that differ at their end stay distinct agents');
    for (const r of report.byAgent) {
      assert.ok(r.agent.length <= 256, `a label of ${r.agent.length} characters`);
      assert.match(r.agent, /^a+…#[0-9a-f]{8}$/);
    }
    const two = await replay(dir, '2');
    assert.equal(two.status, 0, two.stderr.slice(-2000));
    assert.equal(two.stdout, one.stdout);
  });
});

describe('the text report says where the agents were cut', () => {
  const base = {
    events: 9,
    replayed: 9,
    changed: 9,
    newlyBlocked: 9,
    newlyAllowed: 0,
    decisions: {
      baseline: { allow: 9, warn: 0, require_approval: 0, block: 0 },
      current: { allow: 0, warn: 0, require_approval: 0, block: 9 },
    },
    transitions: [{ from: 'allow', to: 'block', key: 'allow → block', count: 9, examples: [] }],
    byPolicy: [{ policy: 'P', changed: 9, transitions: { 'allow → block': 9 } }],
    findings: [],
    findingCounts: {},
  } satisfies Omit<ReplayReport, 'byAgent'>;
  const labels = { current: 'a', baseline: 'b' };

  it('an exact rest: how many more agents and their changes', () => {
    const text = formatReport(
      {
        ...base,
        byAgent: [{ agent: 'bot', changed: 5, transitions: { 'allow → block': 5 } }],
        byAgentRest: { agents: 3, changed: 4, transitions: { 'allow → block': 4 }, tracked: 10_000 },
      },
      labels,
    );
    assert.match(
      text,
      /\n {2}bot +5 {2}allow → block 5\n {2}… 2 more agents: 4 changes \(allow → block 4\)\n/,
    );
  });

  it('an estimated rest, and a row counted from some point on', () => {
    const text = formatReport(
      {
        ...base,
        byAgent: [{ agent: 'bot', changed: 5, uncounted: 2, transitions: { 'allow → block': 5 } }],
        byAgentRest: {
          agents: 12_345,
          estimated: true,
          changed: 4,
          transitions: { 'allow → block': 4 },
          tracked: 10_000,
        },
      },
      labels,
    );
    assert.match(text, /\n {2}bot +5 {2}allow → block 5 \(and up to 2 before it was counted\)\n/);
    assert.match(
      text,
      /\n {2}… about 12,300 more agents: 4 changes not counted above \(allow → block 4\); more than 10,000 agents changed, so only the most changed are counted one by one and the number of agents is an estimate\n/,
    );
  });
});
