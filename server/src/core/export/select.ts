/**
 * Which live policies `policylens export` writes bundles for: those sync would leave alone as
 * declared by no bundle (the plan's `unmanaged`, matched by name as sync matches), so that an export
 * never competes with a bundle that exists. A live policy that cannot get a bundle of its own is
 * skipped with the reason.
 */
import { planSync } from '../plan/plan';
import type { DesiredBundle, LiveOrgPolicy } from '../plan/types';
import { bundleOf, prerequisiteResolver, type ExportedBundle } from './bundle';

export interface ExportCandidate extends ExportedBundle {
  /** The plan's rename hint: a bundle holds what this policy holds apart from its name. */
  renamedTo?: { name: string; file: string };
}

export interface ExportSelection {
  /** In the order of their names (code units), as the plan lists unmanaged policies. */
  bundles: ExportCandidate[];
  /** How many live policies a bundle declares already (left alone). */
  declared: number;
  skipped: { name: string; liveId: string; reason: string }[];
}

export function selectExports(
  desired: readonly DesiredBundle[],
  live: readonly LiveOrgPolicy[],
): ExportSelection {
  const plan = planSync(desired, live);
  const resolve = prerequisiteResolver(live);
  const byId = new Map(live.map((p) => [p.id, p]));
  const declaredByNfc = new Map(desired.map((d) => [d.name.normalize('NFC'), d]));
  const skipped: ExportSelection['skipped'] = [];
  const bundles: ExportCandidate[] = [];
  for (const u of plan.unmanaged) {
    const twin = declaredByNfc.get(u.name.normalize('NFC'));
    if (twin) {
      skipped.push({
        name: u.name,
        liveId: u.liveId,
        reason: `${twin.file} declares it in another Unicode form; write that bundle's name as the live org writes it`,
      });
      continue;
    }
    const exported = bundleOf(byId.get(u.liveId)!, resolve);
    bundles.push(u.renamedTo ? { ...exported, renamedTo: u.renamedTo } : exported);
  }
  // The plan compares the first live policy of a name: the others cannot have a bundle of their own.
  const first = new Map<string, string>();
  for (const p of live) {
    const id = first.get(p.name);
    if (id === undefined) first.set(p.name, p.id);
    else
      skipped.push({
        name: p.name,
        liveId: p.id,
        reason: `the live org has another policy of this name (id ${id}), the one sync compares; a name is declared once`,
      });
  }
  const declared = plan.steps.filter((s) => s.liveId !== undefined).length;
  return { bundles, declared, skipped };
}
