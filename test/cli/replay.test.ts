// `policylens replay` as users run it (the built CLI): the fixture cases of test/fixtures/replay
// through the command (the same report as the engine's, and the text output as a golden file),
// the --fail-on gate, gzip input whole and cut short, and worker threads against one thread.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { trafficLines } from '../../scripts/traffic.mjs';
import { cases, expectJson, expectText } from '../support/fixtures';
import { reportOf } from '../support/replay';
import { removeDir, runCli, tempDir } from '../sync/harness';

const SIDES = ['--policies', 'current', '--against', 'baseline'];

describe('policylens replay: the fixture cases', () => {
  for (const c of cases('replay')) {
    it(`${c.name}: the engine's report, and the text as a golden file`, async () => {
      const json = await runCli(
        ['replay', 'events.jsonl', ...SIDES, '--examples', '3', '--format', 'json'],
        {},
        c.dir,
      );
      assert.equal(json.status, 0, json.stderr);
      expectJson(join(c.dir, 'expected.json'), reportOf(json.stdout));
      const text = await runCli(['replay', 'events.jsonl', ...SIDES, '--examples', '3'], {}, c.dir);
      assert.equal(text.status, 0, text.stderr);
      expectText(join(c.dir, 'expected.txt'), text.stdout);
    });
  }
});

describe('policylens replay: the gate, gzip and threads', () => {
  let dir: string;
  const modeChange = join(__dirname, '../fixtures/replay/mode-change');
  const removed = join(__dirname, '../fixtures/replay/policy-removed');
  before(() => {
    dir = tempDir('replay');
  });
  after(() => removeDir(dir));

  it('--fail-on exits 1 only for the gates that tripped, and names them', async () => {
    const blocked = await runCli(
      ['replay', 'events.jsonl', ...SIDES, '--fail-on', 'newly-blocked'],
      {},
      modeChange,
    );
    assert.equal(blocked.status, 1);
    assert.match(blocked.stderr, /--fail-on: newly-blocked \(3\)/);
    const allowed = await runCli(
      ['replay', 'events.jsonl', ...SIDES, '--fail-on', 'newly-allowed'],
      {},
      modeChange,
    );
    assert.equal(allowed.status, 0, allowed.stderr);
    const widened = await runCli(
      ['replay', 'events.jsonl', ...SIDES, '--fail-on', 'newly-allowed,newly-blocked'],
      {},
      removed,
    );
    assert.equal(widened.status, 1);
    assert.match(widened.stderr, /newly-allowed \(2\)/);
    assert.doesNotMatch(widened.stderr, /newly-blocked/);
  });

  it('a usage error exits 2: an unknown gate, a missing events file, one named twice', async () => {
    const gate = await runCli(['replay', 'events.jsonl', ...SIDES, '--fail-on', 'widened'], {}, modeChange);
    assert.equal(gate.status, 2);
    assert.match(gate.stderr, /unknown --fail-on gate "widened"/);
    const missing = await runCli(['replay', 'nope.jsonl', ...SIDES], {}, modeChange);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read nope\.jsonl: no such file or directory/);
    // The same file twice (two paths, or overlapping globs) was replayed twice, every count doubled.
    const twice = await runCli(['replay', 'events.jsonl', './events.jsonl', ...SIDES], {}, modeChange);
    assert.equal(twice.status, 2);
    assert.match(twice.stderr, /\.\/events\.jsonl names the same file as events\.jsonl/);
  });

  it('a gate named twice is one gate', async () => {
    // It was named twice in the message when it tripped.
    const r = await runCli(
      ['replay', 'events.jsonl', ...SIDES, '--fail-on', 'newly-blocked,newly-blocked'],
      {},
      join(__dirname, '../fixtures/replay/mode-change'),
    );
    assert.equal(r.status, 1);
    assert.equal(r.stderr.match(/newly-blocked/g)?.length, 1, r.stderr);
  });

  it('reads gzip as plain text, and reports a gzip cut short after its last whole line', async () => {
    const plain = readFileSync(join(modeChange, 'events.jsonl'));
    const gz = gzipSync(Buffer.concat([plain, plain, plain]));
    writeFileSync(join(dir, 'whole.jsonl.gz'), gz);
    writeFileSync(join(dir, 'cut.gz'), gz.subarray(0, gz.length - 30));
    writeFileSync(join(dir, 'three.jsonl'), Buffer.concat([plain, plain, plain]));
    const sides = [
      '--policies',
      join(modeChange, 'current'),
      '--against',
      join(modeChange, 'baseline'),
      '--format',
      'json',
    ];
    const whole = await runCli(['replay', 'whole.jsonl.gz', ...sides], {}, dir);
    const three = await runCli(['replay', 'three.jsonl', ...sides], {}, dir);
    assert.equal(whole.status, 0, whole.stderr);
    assert.deepEqual(reportOf(whole.stdout), reportOf(three.stdout));
    const cut = await runCli(['replay', 'cut.gz', ...sides, '--fail-on', 'errors'], {}, dir);
    assert.equal(cut.status, 1, 'a cut file is an error finding, so the errors gate trips');
    const report = JSON.parse(cut.stdout) as {
      findings: { file: string; code: string; line: number }[];
      replayed: number;
    };
    const last = report.findings[report.findings.length - 1];
    assert.equal(last.code, 'replay/truncated-input');
    assert.equal(last.file, 'cut.gz');
    assert.ok(report.replayed > 0 && report.replayed < 21, `replayed ${report.replayed} of 21`);
    // Worker threads (Execlave policies: parts digested apart) report the cut as one thread does.
    const cut2 = await runCli(['replay', 'cut.gz', ...sides, '--threads', '2'], {}, dir);
    assert.equal(cut2.status, 0, cut2.stderr);
    assert.equal(cut2.stdout, cut.stdout);
  });

  it('two threads (parts, or one side each) give the single thread report, stateful policies and bad lines included', async () => {
    for (const [name, text] of [
      ['a.jsonl', [...trafficLines({ count: 6000, seed: 7, noise: true })].join('\n') + '\n'],
      [
        'b.jsonl',
        [...trafficLines({ count: 3000, seed: 8, start: '2026-12-03T00:00:00Z', noise: true })].join('\n'),
      ],
    ])
      writeFileSync(join(dir, name), text);
    // Both sides stateful: a daily budget and a monthly cap, Agent Sentinel rate windows and budgets.
    const root = join(__dirname, '../../examples/policies');
    for (const side of ['base', 'cur']) {
      const d = join(dir, side);
      mkdirSync(d, { recursive: true });
      for (const f of [
        'block-prompt-injection.json',
        'pii-protection.yaml',
        'daily-cost-limit.yaml',
        'monthly-budget-cap.json',
      ])
        copyFileSync(join(root, f), join(d, f));
    }
    writeFileSync(
      join(dir, 'cur', 'pii-protection.yaml'),
      readFileSync(join(root, 'pii-protection.yaml'), 'utf8').replace('monitor', 'block'),
    );
    writeFileSync(
      join(dir, 'cur', 'daily-cost-limit.yaml'),
      'name: Daily Cost Limit\npolicyType: cost_limit\nenforcementMode: block\nruleDefinition: {max_cost_per_execution: 5.0, daily_budget: 12.0}\n',
    );
    writeFileSync(
      join(dir, 'base', 'callguard.yaml'),
      'rate_limits: {search_orders: {max_count: 3, window_seconds: 60}}\nbudgets: {session: 1.0}\n',
    );
    writeFileSync(
      join(dir, 'cur', 'callguard.yaml'),
      'rate_limits: {search_orders: {max_count: 1, window_seconds: 60}}\nbudgets: {session: 0.5}\ndenied_actions: [delete_order]\n',
    );
    const args = [
      'replay',
      'a.jsonl',
      'b.jsonl',
      '--policies',
      'cur',
      '--against',
      'base',
      '--format',
      'json',
      '--examples',
      '50',
    ];
    const compare = async (kinds: number) => {
      const one = await runCli([...args, '--threads', '1'], {}, dir);
      const two = await runCli([...args, '--threads', '2'], {}, dir);
      assert.equal(one.status, 0, one.stderr);
      assert.equal(two.status, 0, two.stderr);
      assert.equal(two.stdout, one.stdout);
      const report = JSON.parse(one.stdout) as {
        changed: number;
        findingCounts: Record<string, number>;
        transitions: unknown[];
      };
      assert.ok(report.changed > 100, `the sides differ (${report.changed} changes)`);
      assert.ok(report.transitions.length >= kinds, `${kinds} kinds of change or more`);
      for (const code of ['replay/malformed-line', 'replay/out-of-order', 'replay/unknown-field'])
        assert.ok(report.findingCounts[code] > 0, `${code} appears`);
    };
    // With an Agent Sentinel file, one side per worker.
    await compare(3);
    // Execlave policies only: the files cut into parts (several of 128 KB), digested on two workers.
    assert.ok(statSync(join(dir, 'a.jsonl')).size > 3 << 17, 'a.jsonl spans several parts');
    rmSync(join(dir, 'base', 'callguard.yaml'));
    rmSync(join(dir, 'cur', 'callguard.yaml'));
    await compare(2);
  });
});
