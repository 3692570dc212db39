// The words of a Sync view entry, apart from the tree: its description and its tooltip. Plain strings
// only (a tree item never renders them as markup). The rename hint is worded by the server, as
// `policylens sync` prints it; the short forms come from the protocol, as the CodeLens has them.
import { impactTitle, leftAloneTitle, renameTitle, type PlanEntry } from '../../../server/src/protocol';

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
 * The live policy a create (`to`) looks like the rename of, while the plan leaves it alone;
 * `leftAlone` is the server's sentence for it (`PlanRename.leftAlone`).
 */
export function leftAloneText(to: string, leftAlone: string): { description: string; tooltip: string } {
  return {
    description: `${leftAloneTitle(to)} · live only`,
    tooltip: `${leftAlone}\nClick to show its history.`,
  };
}
