// `npm run bench`: generates the corpus, checks that both servers really validate, runs every
// scenario against Policy Lens and yaml-language-server interleaved (A B A B …), then prints the
// table and writes bench/results/<date>.md and .json.
// Options: --quick (small sizes, one repetition: the smoke run), --out <dir>, --reps <n>,
// --only <cli,open,edit,completion,openall,wsedit,adv,advopen,eval,replay,package> (adv: lint of the
// adversarial corpora, advopen: open-all of them, package: the .vsix size and the last e2e
// activation time), --adv <kinds> (only these adversarial corpora, e.g.
// `unresolved,near-dup`), --profile (Policy Lens runs with --cpu-prof),
// --render <results.json> (rewrite the .md of an earlier run, e.g. after editing bench/analysis.md).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  ensureBigBundle,
  ensureCheckWorkspace,
  ensureWorkspace,
  FULL_SIZES,
  QUICK_SIZES,
  type WorkspaceManifest,
} from './corpus';
import { ADVERSARIAL_SIZES, ensureAdversarial, type AdversarialKind } from './adversarial';
import { cliTools, runCli, type CliTool } from './cli-scenario';
import type { ServerSpec } from './lsp-driver';
import type { CliSamples, Options, Plan, Raw } from './types';
import {
  completionHover,
  completionWhileIndexing,
  editBigBundle,
  editInWorkspace,
  openAll,
  openSmall,
  ScenarioTimeout,
  type Samples,
} from './lsp-scenarios';
import { checkServer } from './check';
import { measurePackage } from './package';
import { measureServerStart } from './serverStart';
import { runEvalScenario } from './eval-scenario';
import { runReplayScenario } from './replay-scenario';
import { buildRows } from './rows';
import { rerender, writeResults } from './results';
import { setDefaultQuietMs } from './proc';
import { policyLens, REPO, yamlLs } from './servers';
import { snapshotBuild, type Snapshot } from './snapshot';

export function parseArgs(argv: string[]): Options {
  const value = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const quick = argv.includes('--quick');
  const reps = value('--reps');
  const only = value('--only');
  return {
    quick,
    out: value('--out') ?? join(REPO, 'bench/results'),
    lspReps: reps ? Number(reps) : quick ? 1 : 3,
    cliReps: reps ? Number(reps) : quick ? 1 : 5,
    only: only ? new Set(only.split(',')) : undefined,
    profile: argv.includes('--profile'),
    advKinds: value('--adv') ? new Set(value('--adv')!.split(',')) : undefined,
  };
}

export function planFor(o: Options): Plan {
  const sizes = o.quick ? QUICK_SIZES : FULL_SIZES;
  return {
    workspaces: sizes.workspaces,
    bundles: sizes.bundles,
    editBundles: o.quick ? sizes.bundles : sizes.bundles.filter((n) => n >= 5000),
    // The quick run opens every workspace only at its largest size: it checks that the code paths
    // work, in seconds, for the smoke test in `npm test`.
    openAll: o.quick ? sizes.workspaces.slice(-1) : sizes.workspaces,
    cli: o.quick ? sizes.workspaces.slice(-1) : sizes.workspaces,
    opens: o.quick ? 2 : 10,
    edits: o.quick ? 3 : 50,
    requests: o.quick ? 3 : 20,
    wsEdits: o.quick ? 2 : 20,
    // The quick run lints two adversarial corpora at 20 files; the full run lints every kind at
    // its sizes and opens (a)–(e) at 1,000 and 5,000 files.
    adversarial: o.quick
      ? (['unresolved', 'near-dup'] as const).map((kind) => ({ kind, lint: [20], openAll: [] }))
      : (Object.keys(ADVERSARIAL_SIZES) as AdversarialKind[])
          .filter((kind) => !o.advKinds || o.advKinds.has(kind))
          .map((kind) => ({
            kind,
            lint: ADVERSARIAL_SIZES[kind],
            // Every kind but (f), whose 50,000 files do not fit the open-all budget.
            openAll: kind === 'large' ? [] : [1000, 5000],
          })),
  };
}

/** Each tool on one workspace, `reps` times, interleaved. */
async function lintRuns(
  tools: CliTool[],
  ws: WorkspaceManifest,
  reps: number,
): Promise<Record<string, CliSamples>> {
  const bySize: Record<string, CliSamples> = {};
  for (const tool of tools) if (tool.warmup) await runCli(tool, ws);
  for (let rep = 0; rep < reps; rep++) {
    for (const tool of tools) {
      tool.before?.(ws);
      const r = await runCli(tool, ws);
      const t = (bySize[tool.name] ??= { wall: [], cpu: [], invalid: [], exit: [] });
      t.wall.push(r.wallMs);
      (t.cpu ??= []).push(r.cpuMs);
      t.invalid.push(r.invalid);
      t.exit.push(r.exitCode);
    }
  }
  return bySize;
}

function merge(into: Samples | undefined, s: Samples): Samples {
  if (!into) return s;
  return {
    wall: [...into.wall, ...s.wall],
    cpu: [...into.cpu, ...s.cpu],
    rss: [...into.rss, ...s.rss],
    facts: { ...into.facts, ...s.facts },
  };
}

/** The most one open-all run may take: a server 25× slower than its peer is reported, not waited for. */
const OPEN_ALL_BUDGET_MS = 120_000;

const log = (msg: string) => process.stderr.write(`${msg}\n`);

/**
 * Runs `body` for each server in turn, `reps` times: A B A B …, merging the samples per server. A
 * server that times out is recorded as failed and skipped in the remaining repetitions, so one
 * pathological case cannot eat the run's time budget; any other error stops the run.
 */
async function interleaved(
  servers: ServerSpec[],
  reps: number,
  label: string,
  into: Record<string, Samples>,
  body: (s: ServerSpec) => Promise<Samples>,
): Promise<void> {
  for (let rep = 0; rep < reps; rep++) {
    for (const s of servers) {
      if (into[s.name]?.facts.failed) continue;
      const t = performance.now();
      try {
        into[s.name] = merge(into[s.name], await body(s));
      } catch (e) {
        if (!(e instanceof ScenarioTimeout)) throw e;
        const failed = { wall: [], cpu: [], rss: [], facts: { failed: e.message } };
        into[s.name] = merge(into[s.name], failed);
      }
      log(
        `  ${label} · ${s.name} · rep ${rep + 1}/${reps} · ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
    }
  }
}

export async function runBench(o: Options): Promise<{ raw: Raw; plan: Plan; servers: string[] }> {
  const plan = planFor(o);
  if (o.quick) setDefaultQuietMs(100);
  const build = snapshotBuild();
  try {
    return await measure(o, plan, build);
  } finally {
    build.cleanup();
  }
}

async function measure(
  o: Options,
  plan: Plan,
  build: Snapshot,
): Promise<{ raw: Raw; plan: Plan; servers: string[] }> {
  const wants = (k: string) => !o.only || o.only.has(k);
  const ws: Record<number, WorkspaceManifest> = {};
  for (const n of plan.workspaces) ws[n] = ensureWorkspace(n);
  const big: Record<number, WorkspaceManifest> = {};
  for (const n of plan.bundles) big[n] = ensureBigBundle(n);
  const check = ensureCheckWorkspace();

  const pl = build.server
    ? policyLens(build.server, o.profile ? join(o.out, 'profiles') : undefined)
    : undefined;
  if (o.profile) mkdirSync(join(o.out, 'profiles'), { recursive: true });
  const servers = [pl, yamlLs()].filter((s): s is ServerSpec => s !== undefined);
  if (!pl) log('dist/server.js not found: running the peer only (build Policy Lens for the comparison).');
  const raw: Raw = {
    checks: {},
    cli: {},
    openSmall: {},
    edits: {},
    completion: {},
    hover: {},
    openAll: {},
    wsEdit: {},
  };

  // A peer that validated nothing would make every ratio meaningless: check both servers first.
  for (const s of servers) {
    raw.checks[s.name] = await checkServer(s, check);
    log(`check ${s.name}: ${JSON.stringify(raw.checks[s.name])}`);
  }

  if (wants('cli')) {
    const tools = cliTools(build.cli);
    for (const n of plan.cli) {
      const bySize = (raw.cli[n] = await lintRuns(tools, ws[n]!, o.cliReps));
      log(
        `  cli · ${n} files · ${tools.map((t) => `${t.name} ${bySize[t.name]!.wall.map(Math.round)}`).join(' · ')}`,
      );
    }
  }
  if (wants('adv')) {
    const tools = cliTools(build.cli);
    const into: NonNullable<Raw['advCli']> = (raw.advCli = {});
    for (const { kind, lint } of plan.adversarial) {
      for (const n of lint) {
        // The 50,000-file corpus is linted fewer times: one run is minutes of the run's budget.
        const reps = n > 10_000 ? Math.min(o.cliReps, 2) : o.cliReps;
        const bySize = ((into[kind] ??= {})[n] = await lintRuns(tools, ensureAdversarial(kind, n), reps));
        log(
          `  cli · ${kind} ${n} files · ${tools.map((t) => `${t.name} ${bySize[t.name]!.wall.map(Math.round)}`).join(' · ')}`,
        );
      }
    }
  }
  if (wants('advopen')) {
    const into: NonNullable<Raw['advOpenAll']> = (raw.advOpenAll = {});
    for (const { kind, openAll: sizes } of plan.adversarial) {
      for (const n of sizes) {
        const target: Record<string, Samples> = ((into[kind] ??= {})[n] = {});
        const m = ensureAdversarial(kind, n);
        await interleaved(servers, o.lspReps, `open all ${kind} ${n}`, target, (s) =>
          openAll(s, m, OPEN_ALL_BUDGET_MS),
        );
      }
    }
  }
  // Packaging takes a while and measures no speed: in full runs and when asked for, not in --quick.
  if (o.only?.has('package') || (!o.only && !o.quick)) {
    raw.package = { ...measurePackage(), serverStart: await measureServerStart() };
    log(
      `  package · ${raw.package.vsixKB.map((k) => k.toFixed(0))} KB · activation ${raw.package.activationMs ?? 'n/a'} ms at the editor's start (server ${raw.package.activationServerCache ?? 'n/a'}), ${raw.package.idleActivationMs ?? 'n/a'} ms in an idle window (server ${raw.package.idleActivationServerCache ?? 'n/a'}) · the server's start ${raw.package.serverStart?.warm.cpu.join('/')} ms of CPU with its code cache, ${raw.package.serverStart?.cold.cpu.join('/')} ms without`,
    );
  }
  if (wants('eval')) {
    raw.evaluator = await runEvalScenario(o.quick);
    for (const [k, v] of Object.entries(raw.evaluator))
      log(
        `  eval · ${k} · ${v.evaluator.map((x) => x.toFixed(1)).join(' ')} µs/event (floor ${v.floor.map((x) => x.toFixed(1)).join(' ') || '—'})`,
      );
  }
  if (wants('replay')) {
    raw.replay = await runReplayScenario(o.quick);
    for (const [k, v] of Object.entries(raw.replay))
      log(
        `  replay · ${k} · ${v.wallUs.map((x) => Math.round(1e6 / x).toLocaleString('en')).join(' ')} events/s · ${v.rssMB.map((x) => x.toFixed(0)).join(' ')} MB`,
      );
  }
  if (wants('open')) {
    await interleaved(servers, o.lspReps, 'open small', raw.openSmall, (s) =>
      openSmall(s, check, plan.opens),
    );
  }
  if (wants('edit')) {
    for (const n of plan.editBundles) {
      const into: Record<string, Samples> = (raw.edits[n] = {});
      await interleaved(servers, o.lspReps, `${plan.edits} edits of ${n} lines`, into, (s) =>
        editBigBundle(s, big[n]!, plan.edits),
      );
    }
  }
  if (wants('completion')) {
    const root = ws[plan.workspaces[plan.workspaces.length - 1]!]!.root;
    for (let rep = 0; rep < o.lspReps; rep++) {
      for (const s of servers) {
        const r = await completionHover(s, root, plan.requests);
        raw.completion[s.name] = merge(raw.completion[s.name], r.completion);
        raw.hover[s.name] = merge(raw.hover[s.name], r.hover);
        log(`  completion/hover · ${s.name} · rep ${rep + 1}/${o.lspReps}`);
        const during = (raw.completionIndexing ??= {});
        during[s.name] = merge(during[s.name], await completionWhileIndexing(s, root, plan.requests));
        log(`  completion while indexing · ${s.name} · rep ${rep + 1}/${o.lspReps}`);
      }
    }
  }
  if (wants('openall')) {
    for (const n of plan.openAll) {
      const into: Record<string, Samples> = (raw.openAll[n] = {});
      await interleaved(servers, o.lspReps, `open all ${n}`, into, (s) =>
        openAll(s, ws[n]!, OPEN_ALL_BUDGET_MS),
      );
    }
  }
  if (wants('wsedit')) {
    const sizes = [plan.workspaces[0]!, plan.workspaces[plan.workspaces.length - 1]!];
    for (let rep = 0; rep < o.lspReps; rep++) {
      for (const n of sizes) {
        const into: Record<string, Samples> = (raw.wsEdit[n] ??= {});
        await interleaved(servers, 1, `edit in a ${n}-file workspace`, into, (s) =>
          editInWorkspace(s, ws[n]!, plan.wsEdits),
        );
      }
    }
    // The issue's row: edits of a long bundle while the largest folder is indexed.
    const n = plan.workspaces[plan.workspaces.length - 1]!;
    for (const lines of plan.editBundles.slice(0, 1)) {
      const m = ensureBigBundle(lines, n);
      const into: Record<string, Samples> = ((raw.wsBigEdit ??= {})[lines] = {});
      await interleaved(
        servers,
        o.lspReps,
        `${plan.edits} edits of ${lines} lines among ${n} bundles`,
        into,
        (s) => editBigBundle(s, m, plan.edits),
      );
    }
  }
  return { raw, plan, servers: servers.map((s) => s.name) };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--render')) {
    log(`wrote ${rerender(argv[argv.indexOf('--render') + 1]!, buildRows)}`);
    return;
  }
  const o = parseArgs(argv);
  const started = Date.now();
  const { raw, plan, servers } = await runBench(o);
  const rows = buildRows(raw, plan);
  const files = writeResults(o, plan, raw, rows, servers, Date.now() - started);
  log(`\nwrote ${files.join(' and ')} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
