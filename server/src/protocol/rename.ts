// The rename hint of a plan entry (server/src/core/plan/rename.ts): a `create` that holds exactly
// what a live policy holds apart from its name. Execlave has no rename, so the plan creates a new
// policy and the old one, with its history, stays live unless it is pruned. A hint, never a change.

/**
 * On a `create`: the live policy it looks like the rename of. The sentences are the ones
 * `policylens sync` prints (core's `renameHint` and `renamedToHint`); the editor shows the short
 * forms below in titles and the sentences in tooltips, and words them nowhere else.
 */
export interface PlanRename {
  /** The live policy's name. */
  of: string;
  /** Its live id: its history stays under it. */
  liveId: string;
  /** The sentence the CLI prints under the `create`. */
  hint: string;
}

/** The short form on the `create`, in its CodeLens and its Sync view entry: `rename of "Old"?`. */
export function renameTitle(rename: PlanRename): string {
  return `rename of ${JSON.stringify(rename.of)}?`;
}

/**
 * The short form on the live policy a `create` named `to` looks like the rename of, in the Sync
 * view's "Live only" group (`LiveOnlyPolicy.renamedTo`).
 */
export function renamedToTitle(to: string): string {
  return `renamed to ${JSON.stringify(to)}?`;
}
