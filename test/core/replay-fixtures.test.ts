import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { replay, Replayer, type ReplayInput } from '../../server/src/core/index';
import { cases, expectJson } from '../support/fixtures';
import { compileFolder, jsonLines } from '../support/replay';

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

/**
 * Each case of test/fixtures/replay is a baseline/ and a current/ folder of policy files, the
 * recorded traffic events.jsonl and expected.json: the difference report with 3 examples per
 * transition. The CLI's tests read the same cases (test/cli/replay.test.ts).
 */
describe('replay fixtures (test/fixtures/replay)', () => {
  for (const c of cases('replay')) {
    it(c.name, () => {
      const r = new Replayer(
        { baseline: compileFolder(join(c.dir, 'baseline')), current: compileFolder(join(c.dir, 'current')) },
        { examples: 3 },
      );
      for (const input of jsonLines(join(c.dir, 'events.jsonl'))) r.push(input);
      expectJson(join(c.dir, 'expected.json'), r.report());
    });
  }
});

describe('replay engine', () => {
  // Policy, agent, action and event key names come from the files: `__proto__` is one like any
  // other (test/fixtures/replay/proto-keys*), and replaying it changes no object of the process.
  it('writes nothing onto Object.prototype, whatever the names', () => {
    for (const name of ['proto-keys', 'proto-keys-sentinel']) {
      const dir = join(__dirname, '../fixtures/replay', name);
      for (const classic of [false, true]) {
        const r = new Replayer(
          { baseline: compileFolder(join(dir, 'baseline')), current: compileFolder(join(dir, 'current')) },
          { classic },
        );
        for (const input of jsonLines(join(dir, 'events.jsonl'))) r.push(input);
        assert.ok(r.report().changed > 0, `${name}: the case changes decisions`);
        assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), PROTOTYPE_KEYS, name);
      }
    }
  });
  const dir = join(__dirname, '../fixtures/replay/mode-change');
  const sides = () => ({
    baseline: compileFolder(join(dir, 'baseline')),
    current: compileFolder(join(dir, 'current')),
  });

  it('reads an async iterable and gives the report the push interface gives', async () => {
    async function* lines(): AsyncGenerator<ReplayInput> {
      for (const l of jsonLines(join(dir, 'events.jsonl'))) yield l;
    }
    const pushed = new Replayer(sides());
    for (const l of jsonLines(join(dir, 'events.jsonl'))) pushed.push(l);
    const report = await replay(lines(), sides());
    assert.deepEqual(report, pushed.report());
    assert.ok(report.changed > 0, 'the case changes decisions');
  });

  it('takes parsed values as well as text', async () => {
    const values = jsonLines(join(dir, 'events.jsonl')).map((l) => ({
      line: l.line,
      value: JSON.parse((l as { text: string }).text) as unknown,
    }));
    const fromText = await replay(jsonLines(join(dir, 'events.jsonl')), sides());
    assert.deepEqual(await replay(values, sides()), fromText);
  });

  it('stops at the next event when the signal is aborted, and says so', async () => {
    const controller = new AbortController();
    const all = jsonLines(join(dir, 'events.jsonl'));
    async function* lines(): AsyncGenerator<ReplayInput> {
      for (const [i, l] of all.entries()) {
        if (i === 3) controller.abort();
        yield l;
      }
    }
    const report = await replay(lines(), sides(), { signal: controller.signal });
    assert.equal(report.cancelled, true);
    assert.equal(report.events, 3);
  });

  it('finds no difference between a policy set and itself, stateful or not', async () => {
    for (const name of ['stateful-daily-budget', 'stateful-sentinel-rate', 'mode-change']) {
      const base = join(__dirname, '../fixtures/replay', name);
      const set = compileFolder(join(base, 'current'));
      const report = await replay(jsonLines(join(base, 'events.jsonl')), { baseline: set, current: set });
      assert.equal(report.changed, 0, name);
      assert.ok(report.replayed > 0, name);
      assert.deepEqual(report.decisions.baseline, report.decisions.current, name);
    }
  });

  it('keeps the first findings only, and counts all of them', async () => {
    const lines = Array.from({ length: 500 }, (_, i) => ({ line: i + 1, text: '{not json' }));
    const report = await replay(lines, sides(), { maxFindings: 10 });
    assert.equal(report.findings.length, 10);
    assert.equal(report.findingCounts['replay/malformed-line'], 500);
    assert.equal(report.replayed, 0);
    assert.deepEqual(
      report.findings.map((f) => f.line),
      Array.from({ length: 10 }, (_, i) => i + 1),
    );
  });
});
