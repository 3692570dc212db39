// Writes the results: the table on stdout, and bench/results/<date>.md (with the checks and facts
// that make the numbers trustworthy) plus <date>.json with every raw sample. A quick run writes
// <date>-quick.* (a partial run <date>-only-….*) so it never overwrites a full run of the same day.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { markdownTable, targetsTable, textTable, type Row } from './report';
import { CORPUS_ROOT } from './corpus';
import { REPO } from './servers';
import type { Options, Plan, Raw } from './types';

/** Hand-written analysis of missed targets (profiles, causes, before/after), copied into the results. */
export const ANALYSIS = join(REPO, 'bench/analysis.md');

/** The planted errors and the bundles on prerequisite cycles of a workspace, from its manifest. */
function plantedCount(size: number): string {
  const p = join(CORPUS_ROOT, `ws-${size}.manifest.json`);
  if (!existsSync(p)) return '?';
  const m = JSON.parse(readFileSync(p, 'utf8')) as { files: { error?: string; inCycle?: boolean }[] };
  const cycles = m.files.filter((f) => f.inCycle).length;
  return `${m.files.filter((f) => f.error).length} planted errors, ${cycles} bundles on prerequisite cycles`;
}

function factsSection(raw: Raw, plan: Plan): string[] {
  const lines: string[] = ['## What each tool reported', ''];
  lines.push(
    'Before timing, each server opened the check bundles (one valid, one per planted error kind, YAML and JSON):',
  );
  lines.push('');
  for (const [name, c] of Object.entries(raw.checks)) {
    lines.push(
      `- ${name}: flagged ${c.plantedFlagged}/${c.planted} broken bundles, ${c.validFlagged} valid ones.`,
    );
  }
  lines.push('');
  for (const n of plan.workspaces) {
    const c = raw.cli[n];
    if (!c) continue;
    const parts = Object.entries(c)
      .filter(([, r]) => r.invalid.some((x) => typeof x === 'number'))
      .map(([tool, r]) => `${tool} ${[...new Set(r.invalid)].join('/')}`);
    lines.push(`- lint ${n} files: ${plantedCount(n)}; files reported invalid: ${parts.join(', ')}.`);
  }
  for (const n of plan.workspaces) {
    const o = raw.openAll[n];
    if (!o) continue;
    const parts = Object.entries(o).map(([s, r]) =>
      r.facts.failed && !r.wall.length
        ? `${s} ${r.facts.failed}`
        : `${s} ${r.facts.filesWithErrors} files with errors (${r.facts.plantedErrorsFlagged} planted, ` +
          `${r.facts.cycleFilesFlagged} on prerequisite cycles)` +
          (r.facts.failed ? `; one repetition ${r.facts.failed}` : ''),
    );
    lines.push(`- open all ${n}: ${parts.join('; ')}.`);
  }
  for (const { kind, lint, openAll } of plan.adversarial) {
    for (const n of lint) {
      const c = raw.advCli?.[kind]?.[n];
      if (!c) continue;
      const parts = Object.entries(c).map(([tool, r]) => `${tool} ${[...new Set(r.invalid)].join('/')}`);
      lines.push(`- lint ${kind} ${n} files: files reported invalid: ${parts.join(', ')}.`);
    }
    for (const n of openAll) {
      const o = raw.advOpenAll?.[kind]?.[n];
      if (!o) continue;
      const parts = Object.entries(o).map(([s, r]) =>
        r.facts.failed && !r.wall.length
          ? `${s} ${r.facts.failed}`
          : `${s} ${r.facts.filesWithErrors} files with errors (${r.facts.plantedErrorsFlagged} planted, ` +
            `${r.facts.cycleFilesFlagged} on prerequisite cycles)`,
      );
      lines.push(`- open all ${kind} ${n}: ${parts.join('; ')}.`);
    }
  }
  for (const [kind, e] of Object.entries(raw.evaluator ?? {})) {
    const rate = (us: number[]) =>
      us.length ? Math.round(1e6 / [...us].sort((a, b) => a - b)[us.length >> 1]).toLocaleString('en') : '—';
    lines.push(
      `- evaluator, ${kind}: ${e.events.toLocaleString('en')} events per sample; ${rate(e.evaluator)} events/s of CPU` +
        (e.floor.length ? ` (floor: ${rate(e.floor)} events/s)` : '') +
        '.',
    );
  }
  for (const [kind, e] of Object.entries(raw.replay ?? {})) {
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    lines.push(
      `- replay, ${kind.replace(/-(\d)$/, ', $1 thread(s)')}: ${e.events.toLocaleString('en')} events; ` +
        `${Math.round(1e6 / median(e.wallUs)).toLocaleString('en')} events/s wall, ` +
        `${Math.round(1e6 / median(e.cpuUs)).toLocaleString('en')} events/s of CPU; ${e.changed.toLocaleString('en')} decisions change.`,
    );
  }
  for (const [s, r] of Object.entries(raw.openSmall))
    lines.push(`- ${s}: first open after start-up ${r.facts.coldOpenMs} ms.`);
  for (const [s, r] of Object.entries(raw.completion)) {
    lines.push(
      `- ${s}: completion offers \`block\`: ${r.facts.offersBlock}; hover answers: ${raw.hover[s]?.facts.answers}.`,
    );
  }
  return lines;
}

export function renderMarkdown(
  o: Options,
  plan: Plan,
  raw: Raw,
  rows: Row[],
  servers: string[],
  elapsedMs: number,
  date = new Date().toISOString(),
): string {
  const cpu = cpus();
  const lines = [
    `# Benchmark results ${date.slice(0, 10)}${o.quick ? ' (quick)' : ''}`,
    '',
    `Run at ${date} with \`npm run bench${o.quick ? ' -- --quick' : ''}\` in ${(elapsedMs / 1000).toFixed(0)} s on ` +
      `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GB, Node ${process.version}.`,
    `Servers: ${servers.join(', ')}. Repetitions: ${o.lspReps} per LSP scenario (interleaved A B A B), ${o.cliReps} per CLI tool.`,
    `Workspaces: ${plan.workspaces.join(', ')} bundles; long bundles: ${plan.bundles.join(', ')} lines.`,
    '',
    '## Targets',
    '',
    targetsTable(rows),
    '',
    '## All measurements',
    '',
    'A is Policy Lens, B its peer or baseline; the ratio is A ÷ B on medians (lower is better for A).',
    '',
    markdownTable(rows),
    '',
    ...factsSection(raw, plan),
    '',
  ];
  if (existsSync(ANALYSIS)) lines.push(readFileSync(ANALYSIS, 'utf8'));
  return lines.join('\n');
}

export function writeResults(
  o: Options,
  plan: Plan,
  raw: Raw,
  rows: Row[],
  servers: string[],
  elapsedMs: number,
): string[] {
  process.stdout.write(`\n${textTable(rows)}\n`);
  mkdirSync(o.out, { recursive: true });
  // A quick or partial run never overwrites the day's full results.
  const suffix = `${o.quick ? '-quick' : ''}${o.only ? `-only-${[...o.only].join('-')}` : ''}`;
  const base = join(o.out, `${new Date().toISOString().slice(0, 10)}${suffix}`);
  writeFileSync(`${base}.md`, renderMarkdown(o, plan, raw, rows, servers, elapsedMs));
  const options = { quick: o.quick, lspReps: o.lspReps, cliReps: o.cliReps };
  const json = {
    date: new Date().toISOString(),
    quick: o.quick,
    options,
    plan,
    servers,
    rows,
    raw,
    elapsedMs,
  };
  writeFileSync(`${base}.json`, JSON.stringify(json, null, 1) + '\n');
  return [`${base}.md`, `${base}.json`];
}

/**
 * Re-renders the Markdown of an earlier run from its JSON (`--render <file.json>`), e.g. after
 * bench/analysis.md was updated: the numbers stay those of the run.
 */
export function rerender(jsonPath: string, buildRows: (raw: Raw, plan: Plan) => Row[]): string {
  const j = JSON.parse(readFileSync(jsonPath, 'utf8')) as {
    date: string;
    quick: boolean;
    options?: { lspReps: number; cliReps: number };
    plan: Plan;
    servers: string[];
    raw: Raw;
    elapsedMs: number;
  };
  const o: Options = {
    quick: j.quick,
    out: '',
    lspReps: j.options?.lspReps ?? (j.quick ? 1 : 3),
    cliReps: j.options?.cliReps ?? (j.quick ? 1 : 5),
    only: undefined,
    profile: false,
  };
  // Runs from before the adversarial corpora have none in their plan.
  const plan: Plan = { ...j.plan, adversarial: j.plan.adversarial ?? [] };
  const md = jsonPath.replace(/\.json$/, '.md');
  writeFileSync(md, renderMarkdown(o, plan, j.raw, buildRows(j.raw, plan), j.servers, j.elapsedMs, j.date));
  return md;
}
