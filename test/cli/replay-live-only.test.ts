// Live policies no bundle declares. `sync` leaves them in the org (unless `--prune` deletes them), so
// the working tree's side of a replay against the live org must hold them too: without them, a
// bundle whose prerequisite is such a policy had that prerequisite missing on the working tree's
// side, its chained policy was skipped, and replay reported decision changes sync would not cause
// (a field test). The org is `policylens serve` (PGlite) filled with `sync --apply`.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnRegistry, type RegistryProcess } from '../support/registryProcess';
import { reportOf } from '../support/replay';
import { CLI, livePolicies, removeDir, runCli, tempDir } from '../sync/harness';

const CASE = join(__dirname, '../fixtures/replay/chain-relaxed');
const KEY = 'plk_replay_live_only_key';

/** A live-only policy that decides on its own: it blocks the cheap events. */
const LEGACY = {
  name: 'legacy-small-spend',
  policyType: 'expression',
  enforcementMode: 'block',
  ruleDefinition: { expression: 'cost < 0.5' },
};

interface Report {
  current: string;
  changed: number;
  newlyAllowed: number;
  decisions: { baseline: Record<string, number>; current: Record<string, number> };
  byPolicy: { policy: string }[];
  warnings: string[];
}

describe('policylens replay against live: live policies no bundle declares', () => {
  let dir: string;
  let data: string;
  let serve: RegistryProcess;
  let env: Record<string, string>;
  before(async () => {
    dir = tempDir('replay-live-only');
    data = tempDir('replay-live-only-registry');
    serve = await spawnRegistry(CLI, ['serve', '--port', '0', '--data-dir', data, '--org', 'acme'], {
      env: { POLICYLENS_SEED_KEY: KEY },
    });
    env = { POLICYLENS_API_URL: serve.url, POLICYLENS_API_KEY: KEY };
    for (const f of ['baseline', 'events.jsonl']) cpSync(join(CASE, f), join(dir, f), { recursive: true });
    mkdirSync(join(dir, 'legacy'));
    writeFileSync(join(dir, 'legacy/legacy.json'), JSON.stringify(LEGACY));
    // The org: pii-guard, finance-cost-cap (its prerequisite stored as pii-guard's id) and the legacy
    // policy, which no folder below declares.
    for (const folder of ['baseline', 'legacy']) {
      const applied = await runCli(['sync', folder, '--apply'], env, dir);
      assert.equal(applied.status, 0, applied.stdout + applied.stderr);
    }
    const live = await livePolicies({ url: serve.url, key: KEY });
    const guard = live.find((p: { name: string }) => p.name === 'pii-guard') as { id: string };
    // The cost cap alone, naming pii-guard (live only now) by name, and by its live id.
    mkdirSync(join(dir, 'cap-by-name'));
    cpSync(join(CASE, 'baseline/finance-cost-cap.json'), join(dir, 'cap-by-name/finance-cost-cap.json'));
    const cap = JSON.parse(readFileSync(join(CASE, 'baseline/finance-cost-cap.json'), 'utf8')) as object;
    mkdirSync(join(dir, 'cap-by-id'));
    writeFileSync(
      join(dir, 'cap-by-id/finance-cost-cap.json'),
      JSON.stringify({ ...cap, prerequisites: [guard.id] }, null, 2),
    );
  });
  after(async () => {
    await serve.stop();
    removeDir(data);
    removeDir(dir);
  });

  const replay = async (args: string[]) => {
    const r = await runCli(
      ['replay', 'events.jsonl', '--examples', '3', '--format', 'json', ...args],
      env,
      dir,
    );
    assert.equal(r.status, 0, r.stderr);
    return { report: JSON.parse(r.stdout) as Report, stdout: r.stdout, stderr: r.stderr };
  };

  for (const folder of ['cap-by-name', 'cap-by-id'])
    it(`a bundle whose prerequisite is live only replays as the org (${folder})`, async () => {
      // sync calls the folder in sync: pii-guard and the legacy policy stay, unmanaged.
      const plan = await runCli(['sync', folder, '--exit-code', '--format', 'json'], env, dir);
      assert.equal(plan.status, 0, plan.stdout + plan.stderr);
      const unmanaged = (JSON.parse(plan.stdout) as { unmanaged: { name: string }[] }).unmanaged;
      assert.deepEqual(
        unmanaged.map((u) => u.name),
        ['legacy-small-spend', 'pii-guard'],
      );
      const { report } = await replay(['--policies', folder]);
      assert.equal(report.changed, 0, JSON.stringify(report));
      assert.deepEqual(report.decisions.current, report.decisions.baseline);
      // The card number is blocked by pii-guard, the two costly events by the cap, the cheap one by
      // the legacy policy: nothing is allowed on either side.
      assert.deepEqual(report.decisions.baseline, { allow: 0, warn: 0, require_approval: 0, block: 4 });
      assert.match(report.current, /^working tree \(cap-by-\w+ \+ 2 live policies no bundle declares\)$/);
      // The impact of sync --events is the same replay.
      const impact = await runCli(['sync', folder, '--events', 'events.jsonl', '--format', 'json'], env, dir);
      const sync = (JSON.parse(impact.stdout) as { replay: Report }).replay;
      assert.deepEqual(sync.decisions, report.decisions);
    });

  it('--prune leaves the live-only policies out, as sync --prune deletes them', async () => {
    const { report } = await replay(['--policies', 'baseline', '--prune']);
    // Without the legacy policy, the cheap event is allowed.
    assert.equal(report.changed, 1, JSON.stringify(report));
    assert.equal(report.newlyAllowed, 1);
    assert.deepEqual(
      report.byPolicy.map((p) => p.policy),
      ['legacy-small-spend'],
    );
    assert.match(
      report.current,
      /^working tree \(baseline, 1 live policy no bundle declares left out \(--prune\)\)$/,
    );
    // Every prerequisite stays (the bundles declare pii-guard): nothing to warn of.
    assert.deepEqual(report.warnings, []);
    // The impact of sync --prune --events: the same report.
    const impact = await runCli(
      ['sync', 'baseline', '--prune', '--events', 'events.jsonl', '--format', 'json'],
      env,
      dir,
    );
    assert.equal(impact.status, 0, impact.stdout + impact.stderr);
    const sync = (JSON.parse(impact.stdout) as { replay: Report }).replay;
    assert.deepEqual(
      JSON.parse(JSON.stringify(sync, (k, v: unknown) => (k === 'file' ? undefined : v))),
      reportOf(JSON.stringify(report)),
    );
    // Without --prune the same folder keeps it: no change.
    const kept = await replay(['--policies', 'baseline']);
    assert.equal(kept.report.changed, 0, kept.stdout);
  });

  // sync --prune refuses a plan that deletes a prerequisite a bundle still names; a replay of that
  // plan showed the chain skipped without a word, the impact of an org sync never produces.
  for (const folder of ['cap-by-name', 'cap-by-id'])
    it(`--prune of a live-only prerequisite: sync's plan problem, and exit 1 (${folder})`, async () => {
      const sync = await runCli(['sync', folder, '--prune'], env, dir);
      assert.equal(sync.status, 1, sync.stdout + sync.stderr);
      const ref = /prerequisite "([^"]+)" is deleted by this plan \(--prune\)/.exec(sync.stdout)?.[1];
      assert.ok(ref, sync.stdout);
      const problem = new RegExp(
        `"finance-cost-cap": prerequisite "${ref}" is deleted by this plan \\(--prune\\).*sync --prune would refuse this plan`,
      );
      const json = await runCli(
        ['replay', 'events.jsonl', '--policies', folder, '--prune', '--format', 'json'],
        env,
        dir,
      );
      assert.equal(json.status, 1, json.stdout + json.stderr);
      assert.match(json.stderr, problem);
      const warnings = (JSON.parse(json.stdout) as { warnings: string[] }).warnings;
      assert.equal(warnings.length, 1, json.stdout);
      assert.match(warnings[0], problem);
      const text = await runCli(['replay', 'events.jsonl', '--policies', folder, '--prune'], env, dir);
      assert.equal(text.status, 1, text.stdout + text.stderr);
      assert.match(text.stderr, problem);
      // Without --prune sync keeps pii-guard: nothing to say.
      const kept = await replay(['--policies', folder]);
      assert.deepEqual(kept.report.warnings, [], kept.stdout);
    });

  it('--prune is for the live org only', async () => {
    const r = await runCli(
      ['replay', 'events.jsonl', '--policies', 'baseline', '--against', 'legacy', '--prune'],
      env,
      dir,
    );
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /--prune goes with --against live/);
  });
});
