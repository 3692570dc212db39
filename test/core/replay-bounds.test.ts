// What replay keeps per agent and per outcome is bounded (core/replay/agents.ts, outcome.ts), and
// says so where it is not exact. Random streams, checked against plain counting.
import assert from 'node:assert/strict';
import { VariantReplay } from '../../server/src/lsp/impact/job';
import { describe, it } from 'node:test';
import {
  AgentCounts,
  compilePolicies,
  DistinctSketch,
  loadPolicy,
  OutcomeTable,
  OUTCOMES_NUMBERED,
  Replayer,
  SPILLED,
  type AgentRow,
} from '../../server/src/core/index';

/** A small deterministic generator (the same streams on every run). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const KEYS = ['allow → block', 'warn → block', 'block → allow'];

/** Feeds `stream` to counts of `tracked` agents (`listed` rows); returns the report and the truth. */
function run(stream: string[], tracked: number, listed: number) {
  const counts = new AgentCounts(tracked, listed);
  const truth = new Map<string, number>();
  const keys: Record<string, number> = {};
  stream.forEach((agent, i) => {
    const key = KEYS[i % KEYS.length];
    counts.add(agent, key);
    truth.set(agent, (truth.get(agent) ?? 0) + 1);
    keys[key] = (keys[key] ?? 0) + 1;
  });
  return { ...counts.report(), truth, keys };
}

const sum = (t: Record<string, number>) => Object.values(t).reduce((a, b) => a + b, 0);

describe('AgentCounts', () => {
  it('counts exactly and lists everyone up to `listed` agents', () => {
    const stream = ['a', 'b', 'a', 'c', 'a', 'b'];
    const { rows, rest } = run(stream, 5, 3);
    assert.equal(rest, undefined);
    assert.deepEqual(
      rows.map((r) => [r.agent, r.changed]),
      [
        ['a', 3],
        ['b', 2],
        ['c', 1],
      ],
    );
  });

  it('past `listed` agents, lists the most changed and counts the rest exactly', () => {
    const next = random(1);
    const stream = Array.from({ length: 5000 }, () => `agent-${Math.floor(next() ** 2 * 300)}`);
    const { rows, rest, truth, keys } = run(stream, 1000, 50);
    assert.equal(rows.length, 50);
    assert.ok(rest && !rest.estimated);
    assert.equal(rest.agents, truth.size);
    for (const r of rows) assert.equal(r.changed, truth.get(r.agent), r.agent);
    const top = [...truth].sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : 1)).slice(0, 50);
    assert.deepEqual(
      rows.map((r) => r.agent),
      top.map(([k]) => k),
    );
    assert.equal(rows.reduce((a, r) => a + r.changed, 0) + rest.changed, stream.length);
    for (const k of KEYS)
      assert.equal(
        rows.reduce((a, r) => a + (r.transitions[k] ?? 0), 0) + (rest.transitions[k] ?? 0),
        keys[k],
      );
  });

  it('past `tracked` agents, keeps the heavy ones with bounds that hold, every change counted once', () => {
    for (const seed of [2, 3, 4]) {
      const next = random(seed);
      // 40,000 changes: a long tail of 20,000 agents, and heavy agents that first appear late.
      const stream = Array.from({ length: 40_000 }, (_, i) =>
        i > 20_000 && next() < 0.3
          ? `heavy-${Math.floor(next() * 5)}`
          : `tail-${Math.floor(next() * 20_000)}`,
      );
      const tracked = 200;
      const { rows, rest, truth, keys } = run(stream, tracked, 20);
      assert.ok(rest?.estimated, 'the counts are no longer exact: the rest says so');
      assert.equal(rest.tracked, tracked);
      for (const r of rows) {
        const t = truth.get(r.agent)!;
        assert.ok(
          r.changed <= t && t <= r.changed + (r.uncounted ?? 0),
          `${r.agent}: ${t} in ${JSON.stringify(r)}`,
        );
        assert.equal(sum(r.transitions), r.changed);
      }
      // Space-Saving's promise: an agent with more than 1/tracked of the changes has a counter.
      const heavy = [...truth].filter(([, t]) => t > stream.length / tracked).map(([k]) => k);
      assert.deepEqual(
        rows
          .slice(0, 5)
          .map((r) => r.agent)
          .sort(),
        heavy.filter((k) => k.startsWith('heavy')).sort(),
      );
      assert.equal(rows.reduce((a, r: AgentRow) => a + r.changed, 0) + rest.changed, stream.length);
      assert.equal(sum(rest.transitions), rest.changed);
      for (const k of KEYS)
        assert.equal(
          rows.reduce((a, r) => a + (r.transitions[k] ?? 0), 0) + (rest.transitions[k] ?? 0),
          keys[k],
        );
      assert.ok(Math.abs(rest.agents - truth.size) < truth.size * 0.05, `${rest.agents} for ${truth.size}`);
    }
  });
});

describe('DistinctSketch', () => {
  for (const n of [10, 1_000, 30_000, 300_000])
    it(`estimates ${n.toLocaleString('en')} names within 5%`, () => {
      const s = new DistinctSketch();
      for (let i = 0; i < n; i++) {
        s.add(`agent-${i}`);
        s.add(`agent-${i >> 1}`);
      }
      assert.ok(Math.abs(s.estimate() - n) <= Math.max(1, n * 0.05), `${s.estimate()} for ${n}`);
    });
});

describe('OutcomeTable', () => {
  it('numbers `limit` outcomes, then hands the others over as they are', () => {
    const t = new OutcomeTable(2);
    const a = t.idFor('block', ['A']);
    const ab = t.idFor('block', ['A', 'B']);
    assert.deepEqual([a, ab], [0, 1]);
    assert.equal(t.idFor('warn', ['C']), SPILLED);
    assert.deepEqual(t.get(SPILLED), { decision: 'warn', deciding: ['C'] });
    assert.equal(t.idFor('warn', ['C', 'D']), SPILLED);
    assert.deepEqual(t.get(SPILLED), { decision: 'warn', deciding: ['C', 'D'] });
    // Numbered outcomes keep their ids; nothing new is numbered.
    assert.equal(t.idFor('block', ['A']), a);
    assert.equal(t.idFor('block', ['A', 'B']), ab);
    assert.equal(t.idFor('allow', []), SPILLED);
    assert.deepEqual(t.get(SPILLED), { decision: 'allow', deciding: [] });
    assert.equal(t.outcomes.length, 2);
  });
});

describe('a replay past the outcome table', () => {
  // 13 keyword policies, every subset of them in turn: 8,192 outcomes per side, twice the table.
  const K = 13;
  const sources = (mode: string) =>
    Array.from({ length: K }, (_, j) => {
      const text = `name: K${j}\npolicyType: expression\nenforcementMode: ${mode}\nruleDefinition:\n  expression: input.contains("k${j}x")\n`;
      return loadPolicy(`k${j}.yaml`, text).source!;
    });
  const side = (mode: string) => compilePolicies(sources(mode));
  const events = Array.from({ length: 2 ** K }, (_, i) => ({
    line: i + 1,
    value: {
      agentId: 'bot',
      input: Array.from({ length: K }, (_, j) => (i & (1 << j) ? `k${j}x` : '')).join(' '),
    },
  }));

  it('counts every change exactly, in two stages and through evaluate alike', () => {
    assert.ok(2 ** K > OUTCOMES_NUMBERED);
    const reports = [false, true].map((classic) => {
      const r = new Replayer({ baseline: side('monitor'), current: side('block') }, { classic, examples: 3 });
      for (const e of events) r.push(e);
      return r.report();
    });
    assert.deepEqual(reports[0], reports[1]);
    const report = reports[0];
    assert.equal(report.changed, 2 ** K - 1);
    assert.equal(report.byPolicy.length, K);
    for (const p of report.byPolicy) assert.equal(p.changed, 2 ** (K - 1), p.policy);
  });

  // The editor's impact replay read `table.outcomes[id]`, which is undefined for an outcome past
  // the table: its tally then failed on the first such event, and the impact view had no report.
  it("the editor's impact replay counts the same as the CLI's", () => {
    const cli = new Replayer({ baseline: side('monitor'), current: side('block') }, { examples: 3 });
    const editor = new VariantReplay({
      baseline: sources('monitor'),
      variants: [{ id: 'v', sources: sources('block') }],
      examples: 3,
    });
    for (const e of events) {
      cli.push(e);
      editor.push(e);
    }
    assert.deepEqual(editor.reports().v, cli.report());
  });
});
