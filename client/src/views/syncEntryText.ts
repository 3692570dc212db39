// The words of a Sync view entry, apart from the tree: its description and its tooltip. Plain strings
// only (a tree item never renders them as markup). The rename hint is worded by the server, as
// `policylens sync` prints it; the short forms come from the protocol, as the CodeLens has them.
import {
  impactTitle,
  renamedToTitle,
  renameTitle,
  type LiveOnlyPolicy,
  type PlanEntry,
} from '../../../server/src/protocol';

/**
 * `⚠ <first problem> · 2 fields · would block +1 · allow +0 · rename of "Old"? · policies/x.yaml`,
 * each part only when it applies; `file` is the bundle's path, or `live only`.
 */
export function entryDescription(e: PlanEntry, file: string): string {
  const n = e.changes.length;
  return [
    ...(e.problems?.length ? [`⚠ ${e.problems[0]}`] : []),
    ...(e.action === 'update' ? [`${n} field${n === 1 ? '' : 's'}`] : []),
    ...(e.impact ? [impactTitle(e.impact)] : []),
    ...(e.rename ? [renameTitle(e.rename)] : []),
    file,
  ].join(' · ');
}

/** The entry's line, then the whole sentences the description cuts short, one a line. */
export function entryTooltip(e: PlanEntry, file: string): string {
  return [
    `${e.action} “${e.name}” (${file})`,
    ...(e.impact ? [impactTitle(e.impact)] : []),
    ...(e.rename ? [e.rename.hint] : []),
    ...(e.problems ?? []).map((p) => `⚠ ${p}`),
  ].join('\n');
}

/**
 * The group of the live policies no bundle declares: its label, and a tooltip that says what the
 * editor does with them (nothing) and how to bring them into the repository: the export command (its
 * icon is on the group), or `policylens export` outside the editor.
 */
export function liveOnlyGroupText(n: number): { label: string; tooltip: string } {
  return {
    label: `Live only — left alone (${n})`,
    tooltip: [
      'Live policies that no bundle in this workspace declares. Sync leaves them alone: they are not',
      'changes, and only `policylens sync --prune` would delete them. To manage them from the',
      'repository, “Policy Lens: Export Live-Only Policies to Bundles…” (the icon beside this group)',
      'writes their bundles, as `policylens export <folder>` does.',
    ].join(' '),
  };
}

/**
 * One live-only policy: `renamed to "New"? · rate_limit · active` (the rename hint when a create
 * looks like its rename), and a tooltip with its id and the CLI's sentence.
 */
export function liveOnlyText(p: LiveOnlyPolicy): { description: string; tooltip: string } {
  const state = p.isActive ? 'active' : 'inactive';
  const kind = [...(p.policyType !== undefined ? [p.policyType] : []), state];
  return {
    description: [...(p.renamedTo ? [renamedToTitle(p.renamedTo.name)] : []), ...kind].join(' · '),
    tooltip: [
      `live only “${p.name}” (id ${p.liveId})`,
      kind.join(', '),
      ...(p.renamedTo ? [p.renamedTo.hint] : []),
      'Click to show its history.',
    ].join('\n'),
  };
}
