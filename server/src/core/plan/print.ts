/**
 * The plan and the apply report as text, in the format of execlave-policy-as-code.txt §04:
 *
 *   Plan:
 *     + create  "Require approval for file writes"  (production-guardrails.json)
 *     ~ update  "Block PII exfiltration"            (data-access.yaml)
 *         enforcementMode: "log_only" → "block"
 *     = no-op   "Rate limit external calls"         (already in sync)
 *
 *   2 changes pending. Re-run with --apply to apply.
 */
import { columnWidth, printable } from '../text';
import type { ApplyReport } from './apply';
import { formatChange, showShort } from './diff';
import type { PlanStep, SyncPlan, UnmanagedPolicy } from './types';

const MARK: Record<PlanStep['action'], string> = {
  create: '+ create',
  update: '~ update',
  'no-op': '= no-op ',
  delete: '- delete',
};

function where(step: PlanStep): string {
  if (step.action === 'no-op') return '(already in sync)';
  if (step.action === 'delete') return '(no bundle declares it)';
  return `(${printable(step.file ?? '')})`;
}

/**
 * The rename hint of a step (rename.ts), as the text plan, the JSON's readers and the GitHub
 * annotations say it; undefined when the step has none.
 */
export function renameHint(step: PlanStep): string | undefined {
  if (step.renameOf)
    return (
      `looks like a rename of ${JSON.stringify(step.renameOf.name)} (the same policy apart from its name): ` +
      `Execlave has no rename, so this is a new policy with a new id; the history of ` +
      `${JSON.stringify(step.renameOf.name)} stays under id ${step.renameOf.liveId}`
    );
  if (step.renamedTo && step.liveId !== undefined) return renamedToHint(step.renamedTo, step.liveId);
  return undefined;
}

/** The hint on the old side of a rename: its `delete`, or its line among the unmanaged policies. */
export function renamedToHint(to: { name: string; file: string }, liveId: string): string {
  return (
    `looks like a rename to ${JSON.stringify(to.name)} (${to.file}): its history stays under id ` +
    `${liveId}; Execlave has no rename`
  );
}

/** `n changes` with the right plural. */
function changes(n: number): string {
  return `${n} ${n === 1 ? 'change' : 'changes'}`;
}

/** `n policies` with the right plural. */
function policies(n: number): string {
  return `${n} ${n === 1 ? 'policy' : 'policies'}`;
}

/** The sentence before the list of live policies no bundle declares (`org`: where they are). */
export function leftAloneSentence(n: number, org: string): string {
  const one = n === 1;
  return `${policies(n)} in ${org} ${one ? 'is' : 'are'} declared by no bundle here and left alone (--prune would delete ${one ? 'it' : 'them'}; \`policylens export\` writes ${one ? 'its bundle' : 'their bundles'}):`;
}

/** What the plan says of a live policy it leaves alone: its type, and `inactive` when it is. */
function unmanagedFacts(u: UnmanagedPolicy): string {
  return [printable(u.policyType ?? '(no type)'), ...(u.isActive ? [] : ['inactive'])].join(' · ');
}

/** How many unmanaged names the text plan lists; JSON lists them all. */
const UNMANAGED_SHOWN = 10;

/**
 * `footer: false` leaves out the closing "n changes pending" line (apply prints its report instead);
 * `org` names the live org in the heading (`Plan for org "acme" at 127.0.0.1:7420:`): keys of two
 * orgs on one server plan against different policies, and the plan must say which.
 */
export function formatPlan(
  plan: SyncPlan,
  /**
   * `invalid`: bundles left out of the plan for their errors (the editor plans the others;
   * `policylens sync` plans nothing then): the footer never says the org is in sync.
   */
  options: { footer?: boolean; org?: string; invalid?: number } = {},
): string {
  const lines: string[] = [];
  // Names, files, values and the server's messages come from outside: every field is escaped
  // (JSON quoting leaves DEL, C1 controls and bidirectional marks as they are).
  for (const w of plan.warnings) lines.push(`⚠ ${printable(w)}`);
  for (const p of plan.problems) lines.push(`! ${printable(p)}`);
  if (plan.problems.length || plan.warnings.length) lines.push('');
  lines.push(options.org !== undefined ? `Plan for ${printable(options.org)}:` : 'Plan:');
  const width = columnWidth(plan.steps.map((s) => printable(JSON.stringify(s.name))));
  for (const step of plan.steps) {
    const quoted = printable(JSON.stringify(step.name));
    lines.push(`  ${MARK[step.action]}  ${quoted.padEnd(width)}  ${where(step)}`);
    for (const c of step.changes) lines.push(`      ${printable(formatChange(c))}`);
    const hint = renameHint(step);
    if (hint) lines.push(`      (${printable(hint)})`);
    for (const p of step.problems) lines.push(`      ! ${printable(p)}`);
  }
  if (!plan.steps.length) lines.push('  (no policies declared)');
  const others = plan.unmanaged.length;
  if (others) {
    lines.push('');
    lines.push(leftAloneSentence(others, 'the live org'));
    const shown = plan.unmanaged.slice(0, UNMANAGED_SHOWN);
    const width = columnWidth(shown.map((u) => printable(JSON.stringify(u.name))));
    for (const u of shown)
      lines.push(
        `  ${printable(JSON.stringify(u.name)).padEnd(width)}  ${unmanagedFacts(u)}` +
          (u.renamedTo ? `  (${printable(renamedToHint(u.renamedTo, u.liveId))})` : ''),
      );
    if (others > UNMANAGED_SHOWN)
      lines.push(`  … and ${others - UNMANAGED_SHOWN} more (--format json lists them all)`);
  }
  if (options.footer === false) return `${lines.join('\n')}\n`;
  lines.push('');
  // With problems, --apply writes nothing: the footer says so instead of inviting it.
  const problems = plan.problems.length > 0 || plan.steps.some((s) => s.problems.length > 0);
  const invalid = options.invalid ?? 0;
  lines.push(
    plan.pending
      ? problems
        ? `${changes(plan.pending)} pending; fix the problems (marked !) first: --apply writes nothing until then.`
        : plan.warnings.length
          ? `${changes(plan.pending)} pending. Re-run with --apply --confirm-deletes ${plan.deletes} to apply.`
          : `${changes(plan.pending)} pending. Re-run with --apply to apply.`
      : problems
        ? 'No changes pending, but the plan has problems (marked !).'
        : invalid
          ? 'No changes pending for the valid bundles.'
          : others
            ? `No changes pending: every declared policy is in sync (the ${policies(others)} above ${others === 1 ? 'is' : 'are'} not managed here).`
            : 'No changes pending: the live org is in sync.',
  );
  if (invalid)
    lines.push(
      `${invalid} bundle${invalid === 1 ? ' has' : 's have'} errors and ${invalid === 1 ? 'is' : 'are'} left out of the plan: fix ${invalid === 1 ? 'it' : 'them'} (policylens lint) to sync ${invalid === 1 ? 'it' : 'them'}.`,
    );
  return `${lines.join('\n')}\n`;
}

const DONE: Record<PlanStep['action'], string> = {
  create: 'created',
  update: 'updated',
  delete: 'deleted',
  'no-op': 'in sync',
};

/**
 *   Applied:
 *     ✓ created  pol_01j...  "Require approval for file writes"
 *     ✗ refused  pol_02j...  "Block PII exfiltration"  (changed in the live org since the plan …)
 */
export function formatApplyReport(report: ApplyReport): string {
  const lines: string[] = ['Applied:'];
  const idWidth = Math.max(1, ...report.results.map((r) => (r.liveId ?? '-').length));
  for (const r of report.results) {
    const id = printable((r.liveId ?? '-').padEnd(idWidth));
    const name = printable(JSON.stringify(r.step.name));
    const message = r.message === undefined ? undefined : printable(r.message);
    if (r.ok) lines.push(`  ✓ ${DONE[r.step.action]}  ${id}  ${name}${message ? `  (${message})` : ''}`);
    else lines.push(`  ✗ failed   ${id}  ${name}  (${r.step.action}: ${message ?? 'failed'})`);
  }
  if (!report.results.length) lines.push('  (nothing to apply: every declared policy is in sync)');
  if (report.failed) {
    lines.push('');
    lines.push(
      `${report.applied} applied, ${report.failed} not applied. Run sync again to see what is left to do.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The CodeLens title of one step: `~ update: enforcementMode log_only → block (+2 more)`. */
export function lensTitle(step: PlanStep, org: string): string {
  if (step.action === 'create') return `+ create in ${org}`;
  if (step.action === 'no-op') return '= in sync';
  if (step.action === 'delete') return `- delete from ${org}`;
  const [first, ...more] = step.changes;
  const head = `~ update: ${first.path} ${showShort(first.from)} → ${showShort(first.to)}`;
  return more.length ? `${head} (+${more.length} more)` : head;
}
