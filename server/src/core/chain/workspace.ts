import { looksLikeId, type ChainPolicy } from './policy';

/** A live policy as the org knows it (filled in by the sync engine through `resolveLiveId`). */
export interface LivePolicy {
  name: string;
  isActive: boolean;
}

/**
 * Looks a live policy id up in the connected org: the policy, `null` when the org answered and
 * has no such policy, `undefined` when it cannot tell (offline, not configured, not loaded yet).
 * Only `null` makes an id a missing prerequisite; `undefined` leaves it "unresolved" (information),
 * so an offline editor never raises a false warning.
 */
export type ResolveLiveId = (id: string) => LivePolicy | null | undefined;

/** What one prerequisite entry points at. */
export type Resolution =
  | { status: 'workspace'; name: string; targets: ChainPolicy[] }
  | { status: 'self' }
  | { status: 'live'; name: string; isActive: boolean }
  | { status: 'unresolved' }
  | { status: 'missing' };

function addTo(map: Map<string, Set<string>>, key: string, uri: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(uri);
}

function removeFrom(map: Map<string, Set<string>>, key: string, uri: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(uri);
  if (!set.size) map.delete(key);
}

/**
 * Every policy file of a workspace, by URI, with the lookups the chain needs kept current one
 * file at a time: by name (definitions, duplicates) and by reference (dependents, renames). An
 * edit replaces one entry; nothing else is re-parsed.
 */
export class ChainIndex {
  private readonly files = new Map<string, ChainPolicy>();
  private readonly byName = new Map<string, Set<string>>();
  private readonly byRef = new Map<string, Set<string>>();
  /** Bumped on every change, so callers can cache what they derive from the index. */
  version = 0;
  /** The live org's id lookup; the sync engine sets it when an org is connected. */
  resolveLiveId: ResolveLiveId | undefined;
  /**
   * The live org's lookup by name, for prerequisites that name a policy no bundle declares (one
   * managed elsewhere). Without it, or when it finds nothing, such a name is a missing prerequisite.
   */
  resolveLiveName: ResolveLiveId | undefined;

  constructor(policies: Iterable<ChainPolicy> = []) {
    for (const p of policies) this.set(p);
  }

  /** Adds or replaces the entry of `policy.uri`. */
  set(policy: ChainPolicy): void {
    this.delete(policy.uri);
    this.files.set(policy.uri, policy);
    if (policy.name) addTo(this.byName, policy.name, policy.uri);
    for (const p of policy.prerequisites) addTo(this.byRef, p.ref, policy.uri);
    this.version++;
  }

  /**
   * Swaps in the new entry of a file whose chain facts are unchanged (a file opened in the editor,
   * or an edit that touched only its rule): the graph, the order and the cycles stay what they were,
   * so the version stays and what callers derived from it survives; only positions moved. Returns
   * false when a fact changed and a full `set` is needed.
   */
  swapSameFacts(policy: ChainPolicy): boolean {
    const old = this.files.get(policy.uri);
    if (!old || !sameFacts(old, policy)) return false;
    this.files.set(policy.uri, policy);
    return true;
  }

  /** Forgets a file (deleted, or no longer a bundle). */
  delete(uri: string): void {
    const old = this.files.get(uri);
    if (!old) return;
    this.files.delete(uri);
    if (old.name) removeFrom(this.byName, old.name, uri);
    for (const p of old.prerequisites) removeFrom(this.byRef, p.ref, uri);
    this.version++;
  }

  get(uri: string): ChainPolicy | undefined {
    return this.files.get(uri);
  }

  get size(): number {
    return this.files.size;
  }

  /** Every policy, by URI, so everything derived from the index is deterministic. */
  all(): ChainPolicy[] {
    return [...this.files.keys()].sort().map((u) => this.files.get(u)!);
  }

  /** The names of the workspace's bundles, sorted. */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  /** The bundles called `name` (more than one is a duplicate-name error). */
  withName(name: string): ChainPolicy[] {
    return [...(this.byName.get(name) ?? [])].sort().map((u) => this.files.get(u)!);
  }

  /** The bundles whose prerequisites name `ref` as written (a name or an id). */
  referencing(ref: string): ChainPolicy[] {
    return [...(this.byRef.get(ref) ?? [])].sort().map((u) => this.files.get(u)!);
  }

  private resolvedCache: { version: number; map: Map<ChainPolicy, Resolution[]> } | undefined;

  /**
   * What each prerequisite entry of `policy` points at, in order (computed once per version of the
   * index: the graph, the findings and the order all ask).
   */
  resolutions(policy: ChainPolicy): Resolution[] {
    if (this.resolvedCache?.version !== this.version)
      this.resolvedCache = { version: this.version, map: new Map() };
    let out = this.resolvedCache.map.get(policy);
    if (!out) {
      out = policy.prerequisites.map((p) => this.resolve(policy, p.ref));
      this.resolvedCache.map.set(policy, out);
    }
    return out;
  }

  /** What a prerequisite of `policy` points at. */
  resolve(policy: ChainPolicy, ref: string): Resolution {
    if (ref === policy.name) return { status: 'self' };
    if (this.byName.has(ref)) return { status: 'workspace', name: ref, targets: this.withName(ref) };
    if (!looksLikeId(ref)) {
      // A name that no bundle has may still be a live policy that this repository does not manage.
      const byName = this.resolveLiveName?.(ref);
      return byName
        ? { status: 'live', name: byName.name, isActive: byName.isActive }
        : { status: 'missing' };
    }
    const live = this.resolveLiveId?.(ref);
    if (live === undefined) return { status: 'unresolved' };
    if (live === null) return { status: 'missing' };
    // A live policy that a bundle of the workspace describes is that bundle: the chain follows it.
    if (live.name === policy.name) return { status: 'self' };
    if (this.byName.has(live.name))
      return { status: 'workspace', name: live.name, targets: this.withName(live.name) };
    return { status: 'live', name: live.name, isActive: live.isActive };
  }

  /** The bundles of the workspace that wait for the bundle(s) called `name`, directly or through a live id. */
  dependentsOf(name: string): ChainPolicy[] {
    if (this.dependentsCache?.version !== this.version) {
      const map = new Map<string, ChainPolicy[]>();
      for (const p of this.all())
        for (const r of new Set(
          this.resolutions(p).flatMap((r) => (r.status === 'workspace' ? [r.name] : [])),
        ))
          if (r !== p.name) map.set(r, [...(map.get(r) ?? []), p]);
      this.dependentsCache = { version: this.version, map };
    }
    return this.dependentsCache.map.get(name) ?? [];
  }

  private dependentsCache: { version: number; map: Map<string, ChainPolicy[]> } | undefined;

  /**
   * The prerequisite graph by name: each bundle name to the names of the workspace bundles it
   * waits for (self-references and links out of the workspace left out). Duplicate names merge,
   * which is as wrong as the workspace is, and reported on its own.
   */
  graph(): Map<string, string[]> {
    const g = new Map<string, string[]>();
    for (const p of this.all()) {
      if (!p.name) continue;
      const edges = g.get(p.name) ?? [];
      for (const r of this.resolutions(p))
        if (r.status === 'workspace' && !edges.includes(r.name)) edges.push(r.name);
      g.set(p.name, edges);
    }
    return g;
  }
}

function sameFacts(a: ChainPolicy, b: ChainPolicy): boolean {
  return (
    a.name === b.name &&
    a.policyType === b.policyType &&
    a.chainTrigger === b.chainTrigger &&
    a.evaluationOrder === b.evaluationOrder &&
    a.isActive === b.isActive &&
    a.prerequisites.length === b.prerequisites.length &&
    a.prerequisites.every((p, i) => p.ref === b.prerequisites[i].ref && p.index === b.prerequisites[i].index)
  );
}
