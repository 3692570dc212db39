// The results table, row by row: which samples are compared, and the target for each.
// Rows whose two sides are not both measured stay in the table with "n/a", so a missing server
// shows up instead of silently shortening the table.
import { ADVERSARIAL_LABELS, type AdversarialKind } from './adversarial';
import { activationRows, serverStartLabel, VSIX_BASELINE_KB } from './package';
import type { Samples } from './lsp-scenarios';
import { row, type Row, type Side } from './report';
import { replayRows } from './replay-rows';
import { serverStartRows } from './serverStart';
import type { CliSamples, Plan, Raw } from './types';

const PL = 'Policy Lens';
const PEER = 'yaml-ls';
const pl = (s: { policylens?: { wall: number[] } }) => s.policylens;
/** The warm-cache floor's name in the rows (bench/floor-warm.mjs). */
const WARM_FLOOR = 'floor (walk+stat+read the changed file)';
/** The cold floor without a schema compile (bench/floor.mjs with a precompiled validator). */
const PRECOMPILED_FLOOR = 'floor (read+parse+precompiled validator)';

/**
 * Where the `lint` ≤ 0.5 × ajv-cli target stands against the floor with a precompiled validator:
 * the floor against ajv-cli (reported, no target: a linter cannot be faster than it), and lint
 * against that floor.
 */
function precompiledFloorRows(scenario: string, c: Record<string, CliSamples | undefined>): Row[] {
  const floor = c['floor, precompiled'];
  if (!floor) return [];
  const f = (m: 'wall' | 'cpu') => ({ name: PRECOMPILED_FLOOR, samples: floor[m] });
  return [
    row(scenario, 'wall', 'ms', f('wall'), { name: 'ajv-cli', samples: c['ajv-cli']?.wall }),
    row(scenario, 'CPU', 'ms', f('cpu'), { name: 'ajv-cli', samples: c['ajv-cli']?.cpu }),
    row(scenario, 'wall', 'ms', { name: 'policylens lint', samples: c.policylens?.wall }, f('wall')),
  ];
}

export function buildRows(raw: Raw, plan: Plan): Row[] {
  const rows: Row[] = [];
  if (raw.package) {
    const p = raw.package;
    rows.push(
      row(
        'the packed .vsix (vsce package)',
        'size',
        'KB',
        { name: PL, samples: p.vsixKB },
        { name: 'before issue 16', samples: [VSIX_BASELINE_KB] },
        0.5,
      ),
      ...activationRows(
        `a policy open as the editor starts, ${serverStartLabel(p.activationServerCache)}; the extension ${p.activationExtensionCache === 'warm' ? 'with a code cache an earlier start wrote' : 'without a code cache'} (real VS Code, e2e run of ${p.activationMeasuredAt?.slice(0, 10) ?? 'n/a'})`,
        p.activationMs,
        p.activationServerMs,
      ),
      ...activationRows(
        `a policy opened in a running, idle window, ${serverStartLabel(p.idleActivationServerCache)} (real VS Code, e2e run of ${p.idleActivationMeasuredAt?.slice(0, 10) ?? 'n/a'})`,
        p.idleActivationMs,
        p.idleActivationServerMs,
      ),
      ...serverStartRows(p.serverStart),
    );
  }
  const largest = plan.workspaces[plan.workspaces.length - 1]!;
  const smallest = plan.workspaces[0]!;
  const get = <T>(o: Record<string, T> | undefined, k: string | number): T | undefined => o?.[String(k)];
  /** Edits of a long bundle, against the peer: server CPU (the target) and wall per edit. */
  const editRows = (scenario: string, e: Record<string, Samples>): void => {
    rows.push(
      row(
        scenario,
        'server CPU per edit',
        'ms',
        { name: PL, samples: e.policylens?.cpu },
        { name: PEER, samples: e['yaml-ls']?.cpu },
        0.33,
      ),
      row(
        scenario,
        'wall per edit',
        'ms',
        { name: PL, samples: e.policylens?.wall },
        { name: PEER, samples: e['yaml-ls']?.wall },
      ),
    );
  };

  const open = raw.openSmall;
  if (open.policylens || open['yaml-ls']) {
    rows.push(
      row(
        'open one small file → diagnostics',
        'wall',
        'ms',
        { name: PL, samples: pl(open)?.wall },
        { name: PEER, samples: open['yaml-ls']?.wall },
        0.25,
      ),
    );
  }
  for (const n of plan.editBundles) {
    const e = get(raw.edits, n);
    if (!e) continue;
    editRows(`${plan.edits} edits of a ${n.toLocaleString('en')}-line bundle → fresh diagnostics`, e);
  }
  if (raw.completion.policylens || raw.completion['yaml-ls']) {
    rows.push(
      row(
        'completion (enum value)',
        'latency p50',
        'ms',
        { name: PL, samples: raw.completion.policylens?.wall },
        { name: PEER, samples: raw.completion['yaml-ls']?.wall },
        1.0,
      ),
      row(
        'completion (enum value)',
        'latency p95',
        'ms',
        { name: PL, samples: raw.completion.policylens?.wall },
        { name: PEER, samples: raw.completion['yaml-ls']?.wall },
        undefined,
        'p95',
      ),
      row(
        'completion while the folder is indexed',
        'latency p95',
        'ms',
        { name: PL, samples: raw.completionIndexing?.policylens?.wall },
        { name: PEER, samples: raw.completionIndexing?.['yaml-ls']?.wall },
        1.0,
        'p95',
      ),
      row(
        'hover (property)',
        'latency p50',
        'ms',
        { name: PL, samples: raw.hover.policylens?.wall },
        { name: PEER, samples: raw.hover['yaml-ls']?.wall },
      ),
    );
  }
  for (const n of plan.workspaces) {
    const o = get(raw.openAll, n);
    if (!o) continue;
    // The open-all targets are for the 5,000-file workspace: the largest one of the run.
    const t = (x: number) => (n === largest ? x : undefined);
    const scenario = `open all ${n.toLocaleString('en')} files → all diagnostics`;
    const a = o.policylens;
    const b = o['yaml-ls'];
    const side = (name: string, s: Samples | undefined, k: 'wall' | 'cpu' | 'rss'): Side => ({
      name,
      samples: s?.[k],
      failed: s?.facts.failed as string | undefined,
    });
    rows.push(
      row(scenario, 'wall', 'ms', side(PL, a, 'wall'), side(PEER, b, 'wall'), t(0.5)),
      row(scenario, 'server CPU', 'ms', side(PL, a, 'cpu'), side(PEER, b, 'cpu'), t(0.5)),
      row(scenario, 'peak RSS', 'MB', side(PL, a, 'rss'), side(PEER, b, 'rss'), t(1.0)),
    );
  }
  const big = get(raw.wsEdit, largest);
  const one = get(raw.wsEdit, smallest);
  if (big && one) {
    const scenario = `one edit, ${largest.toLocaleString('en')}-file vs ${smallest}-file workspace`;
    for (const [name, label] of [
      ['policylens', PL],
      ['yaml-ls', PEER],
    ] as const) {
      // Policy Lens is held to the target; the peer's row shows what "independent of size" looks like.
      const target = name === 'policylens' ? 1.5 : undefined;
      rows.push(
        row(
          scenario,
          'wall per edit',
          'ms',
          { name: `${label}, ${largest} files`, samples: big[name]?.wall },
          { name: `${label}, ${smallest} file`, samples: one[name]?.wall },
          target,
        ),
        row(
          scenario,
          'server CPU per edit',
          'ms',
          { name: `${label}, ${largest} files`, samples: big[name]?.cpu },
          { name: `${label}, ${smallest} file`, samples: one[name]?.cpu },
        ),
      );
    }
  }
  for (const [lines, e] of Object.entries(raw.wsBigEdit ?? {}))
    editRows(
      `${plan.edits} edits of a ${Number(lines).toLocaleString('en')}-line bundle, ${largest.toLocaleString('en')} bundles indexed`,
      e,
    );
  for (const n of plan.workspaces) {
    const c = get(raw.cli, n);
    if (!c) continue;
    const scenario = `lint ${n.toLocaleString('en')} files (CLI)`;
    const a = { name: 'policylens lint', samples: c.policylens?.wall };
    const ac = { name: 'policylens lint', samples: c.policylens?.cpu };
    rows.push(
      row(scenario, 'wall', 'ms', a, { name: 'ajv-cli', samples: c['ajv-cli']?.wall }, 0.5),
      row(scenario, 'wall', 'ms', a, { name: 'floor (read+parse+ajv)', samples: c.floor?.wall }, 1.5),
      // CPU time is what a loaded CI machine cannot inflate: shown next to the wall-time targets.
      row(scenario, 'CPU', 'ms', ac, { name: 'ajv-cli', samples: c['ajv-cli']?.cpu }),
      row(scenario, 'CPU', 'ms', ac, { name: 'floor (read+parse+ajv)', samples: c.floor?.cpu }),
      ...precompiledFloorRows(scenario, c),
    );
    const cached = c['policylens --cache'];
    if (cached) {
      const warm = `lint --cache ${n.toLocaleString('en')} files, 1 changed (CLI)`;
      rows.push(
        row(
          warm,
          'wall',
          'ms',
          { name: 'policylens lint --cache', samples: cached.wall },
          { name: 'ajv-cli', samples: c['ajv-cli']?.wall },
          0.1,
        ),
        // As for the cold lint: the CPU beside the wall target, which load cannot inflate.
        row(
          warm,
          'CPU',
          'ms',
          { name: 'policylens lint --cache', samples: cached.cpu },
          { name: 'ajv-cli', samples: c['ajv-cli']?.cpu },
        ),
      );
      // The warm floor (bench/floor-warm.mjs) against ajv-cli: where the 0.1 target stands against
      // what any stat cache in one Node process must do; then how far the real cache is from it.
      const floor = c['floor --cache'];
      if (floor)
        rows.push(
          row(
            warm,
            'wall',
            'ms',
            { name: WARM_FLOOR, samples: floor.wall },
            { name: 'ajv-cli', samples: c['ajv-cli']?.wall },
          ),
          row(
            warm,
            'wall',
            'ms',
            { name: 'policylens lint --cache', samples: cached.wall },
            { name: WARM_FLOOR, samples: floor.wall },
          ),
          row(
            warm,
            'CPU',
            'ms',
            { name: 'policylens lint --cache', samples: cached.cpu },
            { name: WARM_FLOOR, samples: floor.cpu },
          ),
        );
    }
  }
  rows.push(...adversarialRows(raw, plan));
  rows.push(...replayRows(raw));
  const ev = raw.evaluator;
  if (ev?.baseline)
    rows.push(
      // ≥ 100,000 events/s on one core is at most 10 µs of CPU per event.
      row(
        'evaluate an event: the 4 baseline bundles',
        'CPU per event',
        'µs',
        { name: 'policylens evaluator', samples: ev.baseline.evaluator },
        { name: 'budget (100,000 events/s)', samples: [10] },
        1.0,
      ),
    );
  if (ev?.chain)
    rows.push(
      // ≥ 0.5 × the floor's events per second is at most twice its time per event.
      row(
        'evaluate an event: a 50-policy CEL chain',
        'CPU per event',
        'µs',
        { name: 'policylens evaluator', samples: ev.chain.evaluator },
        { name: 'floor (the CEL, compiled once, bare loop)', samples: ev.chain.floor },
        2.0,
      ),
    );
  return rows;
}

/** The largest acceptable growth of a cost from 1,000 to 5,000 files: linear is 5. */
export const SCALING_TARGET = 6;

const k = (n: number) => n.toLocaleString('en');

/**
 * The adversarial corpora: lint against ajv-cli (≤ 0.5) at every size, open-all against the peer
 * (≤ 0.5 wall and CPU, ≤ 1 RSS), and for each the growth from 1,000 to 5,000 files (≤ 6).
 */
function adversarialRows(raw: Raw, plan: Plan): Row[] {
  const rows: Row[] = [];
  for (const { kind, lint, openAll } of plan.adversarial) {
    const label = ADVERSARIAL_LABELS[kind as AdversarialKind];
    const cli = raw.advCli?.[kind];
    for (const n of lint) {
      const c = cli?.[n];
      if (!c) continue;
      rows.push(
        row(
          `lint ${label}, ${k(n)} files (CLI)`,
          'wall',
          'ms',
          { name: 'policylens lint', samples: c.policylens?.wall },
          { name: 'ajv-cli', samples: c['ajv-cli']?.wall },
          0.5,
        ),
        row(
          `lint ${label}, ${k(n)} files (CLI)`,
          'CPU',
          'ms',
          { name: 'policylens lint', samples: c.policylens?.cpu },
          { name: 'ajv-cli', samples: c['ajv-cli']?.cpu },
        ),
        ...precompiledFloorRows(`lint ${label}, ${k(n)} files (CLI)`, c),
      );
    }
    if (cli?.[1000] && cli[5000])
      rows.push(
        row(
          `lint ${label} (CLI), 1,000 → 5,000 files`,
          'wall growth',
          'ms',
          { name: 'policylens lint, 5,000 files', samples: cli[5000].policylens?.wall },
          { name: 'policylens lint, 1,000 files', samples: cli[1000].policylens?.wall },
          SCALING_TARGET,
        ),
      );
    const open = raw.advOpenAll?.[kind];
    for (const n of openAll) {
      const o = open?.[n];
      if (!o) continue;
      const side = (name: string, s: Samples | undefined, m: 'wall' | 'cpu' | 'rss'): Side => ({
        name,
        samples: s?.[m],
        failed: s?.facts.failed as string | undefined,
      });
      const scenario = `open all ${label}, ${k(n)} files → all diagnostics`;
      rows.push(
        row(scenario, 'wall', 'ms', side(PL, o.policylens, 'wall'), side(PEER, o['yaml-ls'], 'wall'), 0.5),
        row(
          scenario,
          'server CPU',
          'ms',
          side(PL, o.policylens, 'cpu'),
          side(PEER, o['yaml-ls'], 'cpu'),
          0.5,
        ),
        row(scenario, 'peak RSS', 'MB', side(PL, o.policylens, 'rss'), side(PEER, o['yaml-ls'], 'rss'), 1.0),
      );
    }
    if (open?.[1000] && open[5000])
      rows.push(
        row(
          `open all ${label}, 1,000 → 5,000 files`,
          'wall growth',
          'ms',
          side2(`${PL}, 5,000 files`, open[5000].policylens),
          side2(`${PL}, 1,000 files`, open[1000].policylens),
          SCALING_TARGET,
        ),
      );
  }
  return rows;
}

function side2(name: string, s: Samples | undefined): Side {
  return { name, samples: s?.wall, failed: s?.facts.failed as string | undefined };
}
