import {
  canonicalJson,
  compilePolicies,
  liveNames,
  liveSources,
  printable,
  resolvePrerequisites,
  sha256Hex,
  type DesiredBundle,
  type LiveOrgPolicy,
  type PolicySource,
  type ReplayReport,
  type SyncPlan,
} from '../../core/index';
import { checkEventFiles } from './lines';
import { replayHere, type EventsFile } from './run';

/**
 * The live org before and after a plan, as the policies replay compares. Prerequisites are named
 * on both sides as the plan names them (a live id becomes its policy's name): a step the plan
 * calls a no-op changes no decision.
 */
export function sidesOfPlan(
  plan: SyncPlan,
  desired: readonly DesiredBundle[],
  live: readonly LiveOrgPolicy[],
): { baseline: PolicySource[]; current: PolicySource[] } {
  const names = liveNames(live);
  const source = (name: string, value: Record<string, unknown>): PolicySource =>
    resolvePrerequisites({ uri: `live:${name}`, dialect: 'execlave', value }, names);
  const byName = new Map(desired.map((d) => [d.name, d]));
  const baseline = liveSources(live, names);
  const after = new Map<string, PolicySource>(live.map((p, i) => [p.id, baseline[i]]));
  for (const s of plan.steps) {
    const d = byName.get(s.name);
    if (s.action === 'delete' && s.liveId) after.delete(s.liveId);
    else if (s.action === 'create' && d) after.set(`new:${s.name}`, source(s.name, d.value));
    else if (s.liveId && d) after.set(s.liveId, source(s.name, d.value));
  }
  return { baseline, current: [...after.values()] };
}

export interface PlanImpact {
  report: ReplayReport;
  /** The plan's fingerprint and the replay's result, hashed together: what `--fingerprint` checks. */
  fingerprint: string;
}

/** Replays the events through the org as it is and as the plan would leave it. */
export async function planImpact(
  files: readonly EventsFile[],
  plan: SyncPlan,
  desired: readonly DesiredBundle[],
  live: readonly LiveOrgPolicy[],
): Promise<PlanImpact> {
  checkEventFiles(files);
  const sides = sidesOfPlan(plan, desired, live);
  const report = await replayHere(
    files,
    { baseline: compilePolicies(sides.baseline), current: compilePolicies(sides.current) },
    { examples: 3, maxFindings: 20 },
  );
  return { report, fingerprint: impactFingerprint(plan.fingerprint, report) };
}

export function impactFingerprint(planFingerprint: string, report: ReplayReport): string {
  return sha256Hex(canonicalJson({ plan: planFingerprint, replay: report }));
}

const n = (x: number) => x.toLocaleString('en');

/**
 * The impact under the plan: one line of totals, one per policy that changes decisions. `config`
 * names the config whose `replay.events` these are, when they were not on the command line.
 */
export function formatImpact(report: ReplayReport, files: readonly EventsFile[], config?: string): string {
  const from = config === undefined ? '' : `, the replay.events of ${printable(config)}`;
  const out = [
    '',
    `Impact on ${n(report.replayed)} recorded events (${files.map((f) => printable(f.display)).join(', ')}${from}):`,
    `  would block +${n(report.newlyBlocked)} · allow +${n(report.newlyAllowed)} · ${n(report.changed)} ${report.changed === 1 ? 'decision changes' : 'decisions change'}`,
  ];
  for (const p of report.byPolicy)
    out.push(
      `  "${printable(p.policy)}": ${Object.entries(p.transitions)
        .map(([k, v]) => `${k} ${n(v)}`)
        .join(' · ')}`,
    );
  for (const t of report.transitions)
    for (const e of t.examples)
      out.push(
        `    ${t.key}  ${printable(`${e.file ?? ''}:${e.line}`)}  ${printable(e.agent ?? '(no agent)')}`,
      );
  const findings = Object.values(report.findingCounts).reduce((a, b) => a + b, 0);
  if (findings) out.push(`  ${n(findings)} lines with findings (policylens replay lists them)`);
  return out.join('\n') + '\n';
}
