/**
 * Each file an export would write, read back before it is written, as plain data: the front end
 * says how its sync would read the file (whether its walk takes the path, and the outcome of the
 * text's analysis under the project's settings); this decides what to do with it. A file sync would
 * skip, or whose policy sync would then change, is not written: the next export would write it
 * again, and an apply would rewrite the live policy. A file lint finds an error in is written (it is
 * what the org holds, and the fix belongs in review), and said.
 */
import { planSync } from '../plan/plan';
import type { DesiredOutcome } from '../plan/desired';
import type { DesiredBundle, LiveOrgPolicy } from '../plan/types';

/** What reading a file back found: nothing wrong, a reason not to write it, or lint's first error. */
export type ReadBack = { kind: 'ok' } | { kind: 'unwritten'; why: string } | { kind: 'invalid'; why: string };

/** How the front end's sync reads one planned file: skipped by its walk (why), or the text's outcome. */
export type ReadOutcome = { kind: 'walk-skips'; why: string } | DesiredOutcome;

export function readBackVerdicts(
  files: readonly { name: string; file: string; read: ReadOutcome }[],
  desired: readonly DesiredBundle[],
  live: readonly LiveOrgPolicy[],
): ReadBack[] {
  const read: DesiredBundle[] = [];
  const out: ReadBack[] = files.map(({ file, read: r }) => {
    if (r.kind === 'walk-skips') return { kind: 'unwritten', why: `sync would not read ${file} (${r.why})` };
    if (r.kind === 'skip')
      return {
        kind: 'unwritten',
        why: `sync would not read ${file} as an Execlave bundle (the project config names another dialect for it)`,
      };
    if (r.kind === 'invalid') return { kind: 'invalid', why: `lint finds an error in it: ${r.firstError}` };
    read.push(r.bundle);
    return { kind: 'ok' };
  });
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
