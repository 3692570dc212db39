// The live policies no bundle in the workspace declares: the plan leaves them alone (the editor never
// prunes), and a reviewer must still learn that they exist, as `policylens sync` says after its steps.

/**
 * One of them, as core's plan lists it (`SyncPlan.unmanaged`, the list `sync --format json` prints in
 * `unmanaged`): never computed a second time on either side.
 */
export interface LiveOnlyPolicy {
  name: string;
  /** Its live id: its history is read by it. */
  liveId: string;
  /** As the live org holds it (absent there: active, the API's default). */
  isActive: boolean;
  /** Absent when the live policy has none. */
  policyType?: string;
  /**
   * When a `create` looks like its rename (the plan's rename hint): that create's name, and the
   * sentence `policylens sync` prints beside this policy (core's `renamedToHint`).
   */
  renamedTo?: { name: string; hint: string };
}
