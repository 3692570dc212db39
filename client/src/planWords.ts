// The words the client says about a plan as a whole: its counts, the status bar, "in sync". Plain
// functions of the protocol's data (no vscode), so the language server's fixtures record them
// (test/lsp/sync-plan.test.ts) next to the lens and the text `policylens sync` prints.
import type { WorkspacePlan } from '../../server/src/protocol';

export interface PlanCounts {
  create: number;
  update: number;
  delete: number;
  noop: number;
  changes: number;
}

export function countPlan(plan: WorkspacePlan): PlanCounts {
  const c: PlanCounts = { create: 0, update: 0, delete: 0, noop: 0, changes: 0 };
  for (const e of plan.entries) {
    if (e.action === 'create') c.create++;
    else if (e.action === 'update') c.update++;
    else if (e.action === 'delete') c.delete++;
    else c.noop++;
  }
  c.changes = c.create + c.update + c.delete;
  return c;
}

/** "2 creates, 1 update" — the counts that the confirmation and the status bar show. */
export function describeCounts(c: PlanCounts): string {
  const parts: string[] = [];
  const add = (n: number, one: string, many: string) => {
    if (n > 0) parts.push(`${n} ${n === 1 ? one : many}`);
  };
  add(c.create, 'create', 'creates');
  add(c.update, 'update', 'updates');
  add(c.delete, 'delete', 'deletes');
  return parts.length ? parts.join(', ') : 'no changes';
}

/**
 * `in sync`, or `in sync, 2 live only` while the live org holds policies no bundle here declares:
 * the plan never calls such an org plainly in sync, as `policylens sync` does not ("every declared
 * policy is in sync (the 2 policies above are not managed here)").
 */
export function inSyncTitle(plan: WorkspacePlan): string {
  const n = plan.liveOnly?.length ?? 0;
  return n ? `in sync, ${n} live only` : 'in sync';
}

/** `2 live policies no bundle here declares are left alone`; undefined when there are none. */
export function liveOnlySentence(plan: WorkspacePlan): string | undefined {
  const n = plan.liveOnly?.length ?? 0;
  if (!n) return undefined;
  return n === 1
    ? '1 live policy no bundle here declares is left alone'
    : `${n} live policies no bundle here declares are left alone`;
}

/**
 * What keeps the plan from being applied: its own problems (else its entries', which say the same
 * of each bundle). Bundles left out for their errors are not among them: the editor plans without
 * them, and the view says so.
 */
export function planProblems(plan: WorkspacePlan): string[] {
  return plan.problems?.length ? plan.problems : plan.entries.flatMap((e) => e.problems ?? []);
}

/** `2 bundles have errors and are left out of the plan` (the view's note and the status bar's). */
function leftOut(n: number): string {
  return n === 1
    ? '1 bundle has errors and is left out of the plan'
    : `${n} bundles have errors and are left out of the plan`;
}

/** `1 bundle has errors and is left out of the plan: fix it to sync it.`; undefined for none. */
function invalidSentence(plan: WorkspacePlan): string | undefined {
  const n = plan.invalid?.length ?? 0;
  return n ? `${leftOut(n)}: fix ${n === 1 ? 'it' : 'them'} to sync ${n === 1 ? 'it' : 'them'}.` : undefined;
}

/**
 * What Apply says when the plan has no change: never "in sync" while the plan has problems, while
 * the org holds policies no bundle declares, nor while bundles are left out for their errors
 * (`policylens sync` plans nothing then).
 */
export function nothingToApply(plan: WorkspacePlan): string {
  const problems = planProblems(plan);
  if (problems.length)
    return `Policy Lens: no change to apply, but the plan has problems: ${problems.join('; ')}.`;
  const invalid = invalidSentence(plan);
  if (invalid) return `Policy Lens: nothing to apply for the valid bundles. ${invalid}`;
  const liveOnly = liveOnlySentence(plan);
  return liveOnly
    ? `Policy Lens: every declared policy is already in sync; ${liveOnly}.`
    : 'Policy Lens: the live org is already in sync.';
}

/** The status bar item's text and tooltip, from the plan's state. */
export function statusText(plan: WorkspacePlan): { text: string; tooltip: string } {
  switch (plan.state) {
    case 'untrusted':
      return { text: '$(shield) Policy Lens: restricted', tooltip: stateText(plan) };
    case 'not-configured':
      return { text: '$(gear) Policy Lens: not configured', tooltip: plan.message ?? stateText(plan) };
    case 'offline':
      return { text: '$(debug-disconnect) Policy Lens: offline', tooltip: plan.message ?? stateText(plan) };
    default: {
      const n = countPlan(plan).changes;
      const where = plan.org ? ` (${plan.org})` : '';
      const liveOnly = liveOnlySentence(plan);
      const seeThem = liveOnly ? ` ${liveOnly}: see “Live only” in the Sync view.` : '';
      const problems = planProblems(plan);
      const invalid = invalidSentence(plan);
      const leftOut = invalid ? ` ${invalid}` : '';
      // As `policylens sync`: "No changes pending, but the plan has problems" is no "in sync".
      if (n === 0 && problems.length)
        return {
          text: '$(warning) Policy Lens: plan has problems',
          tooltip: `No changes pending against the live org${where}, but the plan has problems: ${problems.join('; ')}.${leftOut}${seeThem}`,
        };
      // Nor is a workspace with a bundle left out for its errors: `policylens sync` plans nothing
      // until it is fixed ("1 invalid bundle: fix it (policylens lint) before sync.", exit 1).
      const bad = plan.invalid?.length ?? 0;
      if (n === 0 && bad)
        return {
          text: `$(error) Policy Lens: ${bad} invalid bundle${bad === 1 ? '' : 's'}`,
          tooltip: `${invalid} The other bundles match the live org${where}.${seeThem}`,
        };
      return n === 0
        ? {
            text: `$(check) Policy Lens: ${inSyncTitle(plan)}`,
            tooltip: liveOnly
              ? `Every policy the workspace declares matches the live org${where}.${seeThem}`
              : `The live org${where} matches the workspace.`,
          }
        : {
            text: `$(diff) Policy Lens: ${n} change${n === 1 ? '' : 's'}`,
            tooltip: `${n} pending change${n === 1 ? '' : 's'} against the live org${where}. Click to review.${leftOut}${seeThem}`,
          };
    }
  }
}

/** The message above the tree and its description, from the plan's state. */
export function describePlan(plan: WorkspacePlan): {
  message: string | undefined;
  description: string | undefined;
} {
  if (plan.state !== 'ok') return { message: plan.message ?? stateText(plan), description: undefined };
  const counts = countPlan(plan);
  const notes: string[] = [];
  if (plan.entries.length === 0 && !plan.invalid?.length)
    notes.push(
      plan.liveOnly?.length
        ? 'No policy files in this workspace: “Policy Lens: Export Live-Only Policies to Bundles…” (or `policylens export <folder>`) writes the bundles of the live org’s policies.'
        : 'No policy files in this workspace.',
    );
  if (plan.problems?.length) notes.push(`Apply is blocked: ${plan.problems.join('; ')}`);
  const invalid = plan.invalid?.length ?? 0;
  if (invalid > 0) notes.push(`${leftOut(invalid)}.`);
  const message = notes.length ? notes.join(' ') : undefined;
  // `acme · no changes · 2 live only`: the live policies no bundle declares are counted apart.
  const liveOnly = plan.liveOnly?.length ? ` · ${plan.liveOnly.length} live only` : '';
  return { message, description: `${plan.org ? `${plan.org} · ` : ''}${describeCounts(counts)}${liveOnly}` };
}

function stateText(plan: WorkspacePlan): string {
  switch (plan.state) {
    case 'untrusted':
      return 'Workspace not trusted: the live org is not contacted.';
    case 'not-configured':
      return 'Sync is not configured.';
    case 'offline':
      return 'The live org cannot be reached.';
    default:
      return '';
  }
}
