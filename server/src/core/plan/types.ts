/** The data a sync plan is made of: plain values in, plain values out. */

/** A bundle file as the workspace declares it (already parsed and found valid). */
export interface DesiredBundle {
  /** The policy's `name`: the key that matches a bundle to a live policy. */
  name: string;
  /** The file as the plan prints it (relative to the synced path, or the base name). */
  file: string;
  /** The document URI, when the caller has one (the language server). */
  uri?: string;
  /** The bundle's parsed value. */
  value: Record<string, unknown>;
}

/** A policy as an Execlave-compatible API returns it. Unknown extra fields are ignored. */
export interface LiveOrgPolicy {
  id: string;
  name: string;
  /** The write version (`ETag`); absent on servers that do not version policies. */
  version?: number;
  [field: string]: unknown;
}

export type PlanAction = 'create' | 'update' | 'no-op' | 'delete';

/** One changed value of an update; `path` is dotted (`ruleDefinition.tools[1]`). Absent = not set. */
export interface FieldChange {
  path: string;
  from?: unknown;
  to?: unknown;
}

export interface PlanStep {
  action: PlanAction;
  name: string;
  /** The bundle's file (absent for a `delete`). */
  file?: string;
  uri?: string;
  /** The live policy this step updates or deletes, and the version the plan saw. */
  liveId?: string;
  liveVersion?: number;
  /** What changes, field by field; empty except for `update`. */
  changes: FieldChange[];
  /**
   * What `apply` writes (create / update): the bundle with defaults filled in. Its `prerequisites` are
   * still references (names or ids); they become live ids at apply time, when every create before
   * this step has an id.
   */
  body?: Record<string, unknown>;
  /** Reasons this step cannot be applied as planned (an unknown prerequisite, a cycle). */
  problems: string[];
  /**
   * Where each of `problems` is in the bundle (same index): the key path it concerns (`['name']`,
   * `['prerequisites', 1]`), so a report can place it on its line (`sync --format github`). Absent,
   * or an absent entry: the bundle as a whole, or no bundle (a `delete`).
   */
  problemPaths?: (readonly (string | number)[] | undefined)[];
  /**
   * Why a server would refuse the body this create or update writes (over 1 MiB, nested too deep:
   * limits.ts); its sentence is among `problems` too, so nothing is applied while it is set.
   */
  refused?: string;
  /**
   * A hint, never a change (rename.ts): this `create` holds exactly what a live policy the plan
   * deletes or leaves alone holds, apart from the name. Execlave has no rename; the old policy's
   * history stays under its id.
   */
  renameOf?: { name: string; liveId: string };
  /** The other side of the hint, on that live policy's `delete`: the bundle that looks like it renamed. */
  renamedTo?: { name: string; file: string };
}

export interface SyncPlan {
  /** In the order `apply` runs them: creates and updates (prerequisites first), deletes, no-ops. */
  steps: PlanStep[];
  /** SHA-256 of everything the plan was computed from (desired contents, live contents and versions). */
  fingerprint: string;
  /** How many steps change something (create, update, delete). */
  pending: number;
  /** Problems of the plan as a whole (a name declared by two bundles). */
  problems: string[];
  /** Live policy ids by name, as the plan saw them: apply turns prerequisite names into ids with it. */
  liveIds: Record<string, string>;
  /**
   * Live policies that no bundle declares and that the plan leaves alone (without `prune`; with it
   * they are `delete` steps). Not a change: the plan says they exist so that it never calls the org
   * "in sync" while it holds policies nobody manages from these files.
   */
  unmanaged: UnmanagedPolicy[];
  /** Prerequisites a bundle names that `prune` deletes: problems of its step, warned of by `replay --prune`. */
  prunedPrerequisites: { bundle: string; prerequisite: string; deleted: string }[];
  /** Said before the steps, and not a problem: `--prune` would delete more than half of the org. */
  warnings: string[];
  /** How many policies the plan deletes, and how many the live org holds (for the warning and its gate). */
  deletes: number;
  liveCount: number;
}

/**
 * A live policy no bundle declares, as the plan lists it: what a reviewer needs to tell it apart (is
 * it enforcing, and of which type) beside its name and id. `sync --format json` and the editor's
 * Sync view both show this list, so they say the same.
 */
export interface UnmanagedPolicy {
  name: string;
  liveId: string;
  /** As the live org holds it; absent there means the API's default, active. */
  isActive: boolean;
  /** Absent when the live policy has none (a server that is not Execlave's). */
  policyType?: string;
  /** The rename hint (rename.ts): a `create` holds exactly what this policy holds apart from its name. */
  renamedTo?: { name: string; file: string };
}

export interface PlanOptions {
  /** Add a `delete` for every live policy that no bundle declares. */
  prune?: boolean;
  /** Names never pruned (bundles the caller could not plan, e.g. invalid files being edited). */
  keep?: readonly string[];
}
