/**
 * `--fingerprint`: the reviewed plan an apply must still be. Given as the 64 hex digits of a plan's
 * fingerprint, or as the file of the reviewed `sync --format json` output; from the file, a plan
 * that moved on can say what moved (the changes, the prune set, the impact), not only that the
 * hash differs.
 */
import { readFileSync } from 'node:fs';
import {
  canonicalJson,
  planFingerprint,
  printable,
  type DesiredBundle,
  type LiveOrgPolicy,
  type SyncPlan,
} from '../../core/index';
import { reason, UsageError } from '../files';

/** The steps of a `sync --format json` plan, as far as the comparison reads them. */
interface ReviewedStep {
  action: string;
  name: string;
  changes?: unknown;
}

export interface Reviewed {
  fingerprint: string;
  /** The reviewed plan's JSON, when `--fingerprint` named its file. */
  plan?: { pending?: unknown; steps?: ReviewedStep[]; replay?: unknown };
}

const HEX = /^[0-9a-f]{64}$/;

export function readReviewed(arg: string): Reviewed {
  const hex = arg.toLowerCase();
  if (HEX.test(hex)) return { fingerprint: hex };
  let text: string;
  try {
    text = readFileSync(arg, 'utf8');
  } catch (e) {
    throw new UsageError(
      /^[0-9a-fA-F]+$/.test(arg)
        ? '--fingerprint takes the 64 hex digits of a plan (see --format json), or the file of that output'
        : `--fingerprint: cannot read ${arg}: ${reason(e)}`,
    );
  }
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch {
    plan = undefined;
  }
  const fingerprint = (plan as { fingerprint?: unknown } | undefined)?.fingerprint;
  if (
    typeof fingerprint !== 'string' ||
    !HEX.test(fingerprint) ||
    !Array.isArray((plan as { steps?: unknown }).steps)
  )
    throw new UsageError(`--fingerprint: ${arg} is not the output of policylens sync --format json`);
  return { fingerprint, plan: plan as Reviewed['plan'] };
}

const MARK: Record<string, string> = { create: '+ create', update: '~ update', delete: '- delete' };

function counted(steps: readonly ReviewedStep[]): string {
  const pending = steps.filter((s) => s.action !== 'no-op');
  const by = ['create', 'update', 'delete']
    .map((a) => [a, pending.filter((s) => s.action === a).length] as const)
    .filter(([, n]) => n > 0)
    .map(([a, n]) => `${n} ${a}`);
  return `${pending.length} ${pending.length === 1 ? 'change' : 'changes'}${by.length ? ` (${by.join(', ')})` : ''}`;
}

function listed(steps: readonly ReviewedStep[]): string {
  const shown = steps.slice(0, 5).map((s) => `${MARK[s.action] ?? s.action} ${JSON.stringify(s.name)}`);
  return steps.length > 5 ? `${shown.join(', ')} and ${steps.length - 5} more` : shown.join(', ');
}

/** What differs between the reviewed plan and this one, one line each (indented, for stderr). */
export function reviewDifference(
  reviewed: Reviewed,
  now: {
    plan: SyncPlan;
    replay?: unknown;
    desired: readonly DesiredBundle[];
    live: readonly LiveOrgPolicy[];
    prune: boolean;
  },
): string[] {
  const { plan } = now;
  const current: ReviewedStep[] = plan.steps.map((s) => ({
    action: s.action,
    name: s.name,
    changes: s.changes,
  }));
  if (!reviewed.plan) {
    // Only a hash: what can be told is which inputs it was not made from.
    if (reviewed.fingerprint === planFingerprint(now.desired, now.live, { prune: !now.prune }))
      return [`the reviewed plan was made ${now.prune ? 'without' : 'with'} --prune`];
    if (now.replay !== undefined && reviewed.fingerprint === plan.fingerprint)
      return ['the reviewed plan replayed no recorded events; this one does (--no-events leaves them out)'];
    return [
      `the bundles or the live org changed since the review; now: ${counted(current)}`,
      'give --fingerprint the file of the reviewed --format json output to see which changes differ',
    ];
  }
  const before = (reviewed.plan.steps ?? []).filter((s) => s.action !== 'no-op');
  const after = current.filter((s) => s.action !== 'no-op');
  const key = (s: ReviewedStep) => `${s.action}\u0000${s.name}`;
  const old = new Map(before.map((s) => [key(s), s]));
  const fresh = new Map(after.map((s) => [key(s), s]));
  const lines = [`reviewed: ${counted(before)}; now: ${counted(after)}`];
  for (const [what, filter] of [
    ['changes', (s: ReviewedStep) => s.action !== 'delete'],
    ['prune set', (s: ReviewedStep) => s.action === 'delete'],
  ] as const) {
    const added = after.filter((s) => filter(s) && !old.has(key(s)));
    const gone = before.filter((s) => filter(s) && !fresh.has(key(s)));
    const moved = after.filter(
      (s) =>
        filter(s) &&
        old.has(key(s)) &&
        canonicalJson(old.get(key(s))!.changes ?? []) !== canonicalJson(s.changes ?? []),
    );
    const parts = [
      ...(added.length ? [`now also ${listed(added)}`] : []),
      ...(gone.length ? [`no longer ${listed(gone)}`] : []),
      ...(moved.length ? [`other field changes in ${listed(moved)}`] : []),
    ];
    if (parts.length) lines.push(`the ${what} differ: ${parts.join('; ')}`);
  }
  const replayBefore = reviewed.plan.replay;
  if (canonicalJson(replayBefore ?? null) !== canonicalJson(now.replay ?? null))
    lines.push(
      replayBefore === undefined
        ? 'the impact differs: the reviewed plan replayed no recorded events; this one does'
        : now.replay === undefined
          ? 'the impact differs: the reviewed plan replayed recorded events; this one does not'
          : 'the impact differs: the recorded events replay differently',
    );
  if (lines.length === 1)
    lines.push(
      'the steps are the same: a live policy or a bundle changed in a way the plan does not show (a version, a file name)',
    );
  return lines.map(printable);
}
