/**
 * Each file an export would write, read back as sync would read it from the folder, before it is
 * written: whether the walk takes it (.gitignore, the config's include and exclude), whether it is a
 * valid Execlave bundle under the project's settings, and whether sync then plans its policy as a
 * no-op. A file sync would skip, or whose policy sync would change, is not written: the next export
 * would write it again, and an apply would rewrite the live policy.
 */
import {
  analyze,
  applyRuleSettings,
  desiredFromAnalysis,
  planSync,
  type DesiredBundle,
  type LiveOrgPolicy,
} from '../../core/index';
import { fromCwd } from '../files';
import { projectFor, settingsFor } from '../project';
import { whySkipped } from '../walkRules';

export interface PlannedFile {
  name: string;
  /** Absolute path. */
  path: string;
  text: string;
}

/** What reading a file back found: nothing wrong, a reason not to write it, or lint's first error. */
export type ReadBack = { kind: 'ok' } | { kind: 'unwritten'; why: string } | { kind: 'invalid'; why: string };

export function readBack(
  files: readonly PlannedFile[],
  desired: readonly DesiredBundle[],
  live: readonly LiveOrgPolicy[],
  collect: { ignore: boolean; config?: string },
): ReadBack[] {
  const out: ReadBack[] = [];
  const read: DesiredBundle[] = [];
  for (const f of files) {
    const skipped = whySkipped(f.path, collect);
    if (skipped) {
      out.push({ kind: 'unwritten', why: `sync would not read ${fromCwd(f.path)} (${skipped})` });
      continue;
    }
    const settings = settingsFor(projectFor(f.path, collect.config), f.path);
    const analysis = analyze(f.text, { fileName: f.path, dialect: settings.dialect });
    analysis.findings = applyRuleSettings(analysis.findings, settings.rules);
    const outcome = desiredFromAnalysis(analysis, fromCwd(f.path));
    if (outcome.kind === 'skip')
      out.push({
        kind: 'unwritten',
        why: `sync would not read ${fromCwd(f.path)} as an Execlave bundle (the project config names another dialect for it)`,
      });
    else if (outcome.kind === 'invalid')
      out.push({ kind: 'invalid', why: `lint finds an error in it: ${outcome.firstError}` });
    else {
      out.push({ kind: 'ok' });
      read.push(outcome.bundle);
    }
  }
  // One plan of every bundle, as sync will make it: an exported policy that is not a no-op would be
  // changed by the next apply.
  const plan = planSync([...desired, ...read], live);
  const actions = new Map(plan.steps.map((s) => [s.name, s]));
  return out.map((r, i) => {
    const step = actions.get(files[i]!.name);
    if (r.kind !== 'ok' || !step || step.action === 'no-op') return r;
    const fields = step.changes.map((c) => c.path).join(', ') || step.action;
    return {
      kind: 'unwritten',
      why: `read back, it differs from the live policy (${fields}); please report this`,
    };
  });
}
