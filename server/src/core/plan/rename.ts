/**
 * The rename hint. Execlave has no rename: a bundle whose `name` changed plans the create of a new
 * policy, and its old live policy is a `delete` (with --prune) or left alone. When the new bundle
 * holds exactly what the old live policy holds apart from the name, the plan says so beside both, so
 * a reviewer reads "a rename" instead of an unrelated create and delete, and learns that the history
 * stays under the old id. A hint only: it changes no step, and what is applied is the same.
 *
 * The rule (docs/decisions/sync.md): equal comparable forms (the form "in sync" is decided on:
 * defaults filled in, `metadata.source` dropped, prerequisites as names, the id lists as sets), and
 * one candidate on each side. No similarity score: a rename and an edit in one change is shown as
 * what it is to the API, and two policies that differ in one rule are not the same policy.
 */
import { canonicalJson } from './hash';
import { comparable } from './normalize';
import type { DesiredBundle, LiveOrgPolicy, PlanStep, SyncPlan } from './types';

/**
 * Marks the creates and the deletes (or unmanaged entries) that look like one rename. `skip` holds
 * live names already paired with a bundle another way (an NFC look-alike: a problem, not a rename).
 */
export function markRenames(
  steps: readonly PlanStep[],
  unmanaged: SyncPlan['unmanaged'],
  desiredByName: ReadonlyMap<string, DesiredBundle>,
  liveByName: ReadonlyMap<string, LiveOrgPolicy>,
  nameOf: (ref: string) => string,
  skip: ReadonlySet<string>,
): void {
  const creates = new Map<string, PlanStep[]>();
  for (const step of steps) {
    const d = step.action === 'create' ? desiredByName.get(step.name) : undefined;
    if (!d) continue;
    const key = canonicalJson(comparable(d.value, nameOf));
    creates.set(key, [...(creates.get(key) ?? []), step]);
  }
  if (!creates.size) return;
  // The live policies a rename may come from: those the plan deletes or leaves alone.
  const gone: { name: string; liveId: string; mark: (to: { name: string; file: string }) => void }[] = [];
  for (const step of steps)
    if (step.action === 'delete' && step.liveId !== undefined)
      gone.push({ name: step.name, liveId: step.liveId, mark: (to) => (step.renamedTo = to) });
  for (const u of unmanaged) gone.push({ name: u.name, liveId: u.liveId, mark: (to) => (u.renamedTo = to) });
  const olds = new Map<string, typeof gone>();
  for (const g of gone) {
    const live = liveByName.get(g.name);
    if (!live || skip.has(g.name)) continue;
    const key = canonicalJson(comparable(live, nameOf));
    if (creates.has(key)) olds.set(key, [...(olds.get(key) ?? []), g]);
  }
  for (const [key, from] of olds) {
    const to = creates.get(key)!;
    // Two candidates on either side: which one was renamed cannot be told, so nothing is said.
    if (from.length !== 1 || to.length !== 1 || to[0].file === undefined) continue;
    to[0].renameOf = { name: from[0].name, liveId: from[0].liveId };
    from[0].mark({ name: to[0].name, file: to[0].file });
  }
}
