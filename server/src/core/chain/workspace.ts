import { SuggestIndex } from '../suggestIndex';
import { OwnIds, resolveOwnId, type IdCarriers } from './ownIds';
import { idKey, looksLikeId, type ChainPolicy } from './policy';

/** A live policy as the org knows it (looked up through the resolvers of `setLiveResolvers`). */
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

/**
 * What one prerequisite entry points at. `carriers`: the entry is an id, and these bundles carry it
 * as their own `id` (a raw export's), the bundles of the name it resolved to (`workspace`), or
 * bundles of different names, between which the files cannot choose (`unresolved`).
 */
export type Resolution =
  | { status: 'workspace'; name: string; targets: readonly ChainPolicy[]; carriers?: IdCarriers }
  | { status: 'self' }
  | { status: 'live'; name: string; isActive: boolean }
  | { status: 'unresolved'; carriers?: IdCarriers }
  | { status: 'missing' };

/** Below this many edges, `graph()` looks for a repeated one in the list itself. */
const SHORT_EDGE_LIST = 8;

/** How many answers of `nearestNames` are kept per set of names. */
const MAX_ASKED = 50_000;

/** Adds `uri` under `key`; true when the key is new. */
function addTo(map: Map<string, Set<string>>, key: string, uri: string): boolean {
  let set = map.get(key);
  const added = !set;
  if (!set) map.set(key, (set = new Set()));
  set.add(uri);
  return added;
}

/** Removes `uri` from under `key`; true when the key is gone. */
function removeFrom(map: Map<string, Set<string>>, key: string, uri: string): boolean {
  const set = map.get(key);
  if (!set) return false;
  set.delete(uri);
  if (set.size) return false;
  map.delete(key);
  return true;
}

/**
 * Every policy file of a workspace, by URI, with the lookups the chain needs kept current one
 * file at a time: by name (definitions, duplicates) and by reference (dependents, renames). An
 * edit replaces one entry; nothing else is re-parsed.
 */
export class ChainIndex {
  /**
   * Where the index's bundles come from, as a message says it: the editor's workspace, or the
   * files a command read (`lint policies/prod/a.yaml` holds one file, and a prerequisite in the
   * file beside it "is not a policy in the workspace" was a false statement).
   */
  scope = 'in the workspace';
  private readonly files = new Map<string, ChainPolicy>();
  private readonly byName = new Map<string, Set<string>>();
  /** The bundles by their own `id` (a raw export's), for the ids that name them offline. */
  private readonly ownIds = new OwnIds();
  /**
   * Built on the first `referencing` question (the editor's renames and references), then kept
   * current: lint never asks, and one set per distinct reference cost a 5,000-file run 20-70 ms.
   */
  private byRef: Map<string, Set<string>> | undefined;
  private versionValue = 0;
  /**
   * Bumped only when the set of names or of files changes (an edit of a rule or of a prerequisite
   * leaves both alone): what is derived from them alone, the sorted lists and the "did you mean"
   * index, is built once per such change, not once per keystroke.
   */
  private namesVersion = 0;
  private filesVersion = 0;
  /** The live org's id lookup, while an org is connected. */
  private liveById: ResolveLiveId | undefined;
  /**
   * The live org's lookup by name, for prerequisites that name a policy no bundle declares (one
   * managed elsewhere). Without it, or when it finds nothing, such a name is a missing prerequisite.
   */
  private liveByName: ResolveLiveId | undefined;

  constructor(policies: Iterable<ChainPolicy> = []) {
    for (const p of policies) this.set(p);
  }

  /** Bumped on every change (live resolvers included), so callers can cache what they derive. */
  get version(): number {
    return this.versionValue;
  }

  /**
   * Connects the live org (or disconnects it, with `undefined`): ids in prerequisites then resolve
   * to live policies (`byId` is asked the id in lower case, `idKey`) and, with `byName`, names that no bundle declares to the org's policies of that
   * name. Every resolution may change, so the version moves.
   */
  setLiveResolvers(byId: ResolveLiveId | undefined, byName?: ResolveLiveId): void {
    this.liveById = byId;
    this.liveByName = byName;
    this.versionValue++;
  }

  /** The live policy an id names: `null` when the org has none, `undefined` when it cannot tell. */
  liveId(id: string): LivePolicy | null | undefined {
    return this.liveById?.(idKey(id));
  }

  /** Whether names no bundle declares are looked up in the live org. */
  get resolvesLiveNames(): boolean {
    return this.liveByName !== undefined;
  }

  /** Adds or replaces the entry of `policy.uri`. */
  set(policy: ChainPolicy): void {
    const old = this.files.get(policy.uri);
    if (!old) this.filesVersion++;
    if (old?.name !== policy.name) {
      if (old?.name && removeFrom(this.byName, old.name, policy.uri)) this.namesVersion++;
      if (policy.name && addTo(this.byName, policy.name, policy.uri)) this.namesVersion++;
    }
    const byRef = this.byRef;
    if (old && byRef) for (const p of old.prerequisites) removeFrom(byRef, p.ref, policy.uri);
    if (old) this.ownIds.remove(old);
    this.ownIds.add(policy);
    this.files.set(policy.uri, policy);
    if (byRef) for (const p of policy.prerequisites) addTo(byRef, p.ref, policy.uri);
    this.versionValue++;
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
    if (old.name) this.withNameCache?.map.delete(old.name);
    this.ownIds.forget(old);
    return true;
  }

  /** Forgets a file (deleted, or no longer a bundle). */
  delete(uri: string): void {
    const old = this.files.get(uri);
    if (!old) return;
    this.files.delete(uri);
    this.ownIds.remove(old);
    this.filesVersion++;
    if (old.name && removeFrom(this.byName, old.name, uri)) this.namesVersion++;
    const byRef = this.byRef;
    if (byRef) for (const p of old.prerequisites) removeFrom(byRef, p.ref, uri);
    this.versionValue++;
  }

  get(uri: string): ChainPolicy | undefined {
    return this.files.get(uri);
  }

  get size(): number {
    return this.files.size;
  }

  private urisCache: { version: number; uris: string[] } | undefined;
  private namesCache:
    | { version: number; names: readonly string[]; suggest?: SuggestIndex; asked?: Map<string, string[]> }
    | undefined;
  private withNameCache:
    { version: number; map: Map<string, { policies: ChainPolicy[]; active?: boolean }> } | undefined;

  /** Every policy, by URI, so everything derived from the index is deterministic. */
  all(): ChainPolicy[] {
    if (this.urisCache?.version !== this.filesVersion)
      this.urisCache = { version: this.filesVersion, uris: [...this.files.keys()].sort() };
    return this.urisCache.uris.map((u) => this.files.get(u)!);
  }

  /** The names of the workspace's bundles, sorted (one shared array: do not change it). */
  names(): readonly string[] {
    if (this.namesCache?.version !== this.namesVersion)
      this.namesCache = { version: this.namesVersion, names: [...this.byName.keys()].sort() };
    return this.namesCache.names;
  }

  /**
   * The names nearest to `ref`, as `nearest(ref, this.names(), max)` gives them, from an index
   * built once per set of names: a workspace where every prerequisite misses would otherwise
   * compare each of them with every name.
   */
  nearestNames(ref: string, max = 3): string[] {
    const names = this.names();
    const cache = this.namesCache!;
    // The same missing reference is asked once per set of names, however many files name it (an
    // export's live-policy ids repeat across bundles).
    const key = `${max}\0${ref}`;
    // Bounded for the editor, where every keystroke in a prerequisite asks about a new string.
    if (cache.asked && cache.asked.size >= MAX_ASKED) cache.asked.clear();
    let near = (cache.asked ??= new Map()).get(key);
    if (!near) cache.asked.set(key, (near = (cache.suggest ??= new SuggestIndex(names)).nearest(ref, max)));
    return near.slice();
  }

  /**
   * The bundles called `name` (more than one is a duplicate-name error), in the order of their
   * URIs. The list is shared until the index changes: every prerequisite naming `name` resolves to
   * it, and a name thousands of bundles share must not be listed once per entry.
   */
  withName(name: string): readonly ChainPolicy[] {
    const set = this.byName.get(name);
    if (!set) return [];
    if (set.size === 1) return [this.files.get(set.values().next().value!)!];
    return this.named(name, set).policies;
  }

  /** Whether some bundle called `name` is active (the answer of `withName(name).some(isActive)`). */
  someActiveNamed(name: string): boolean {
    const set = this.byName.get(name);
    if (!set) return false;
    if (set.size === 1) return this.files.get(set.values().next().value!)!.isActive;
    const named = this.named(name, set);
    return (named.active ??= named.policies.some((p) => p.isActive));
  }

  /**
   * Many bundles under one name are listed once per version, not once per question.
   * `swapSameFacts` replaces a file's entry without a new version, and drops its name's list.
   */
  private named(name: string, set: ReadonlySet<string>): { policies: ChainPolicy[]; active?: boolean } {
    if (this.withNameCache?.version !== this.version)
      this.withNameCache = { version: this.version, map: new Map() };
    let named = this.withNameCache.map.get(name);
    if (!named)
      this.withNameCache.map.set(
        name,
        (named = { policies: [...set].sort().map((u) => this.files.get(u)!) }),
      );
    return named;
  }

  /** How many bundles are called `name`, without listing them. */
  countNamed(name: string): number {
    return this.byName.get(name)?.size ?? 0;
  }

  /** The bundles whose prerequisites name `ref` as written (a name or an id). */
  referencing(ref: string): ChainPolicy[] {
    if (!this.byRef) {
      this.byRef = new Map();
      for (const [uri, policy] of this.files)
        for (const p of policy.prerequisites) addTo(this.byRef, p.ref, uri);
    }
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
      const byName = this.liveByName?.(ref);
      return byName
        ? { status: 'live', name: byName.name, isActive: byName.isActive }
        : { status: 'missing' };
    }
    const key = idKey(ref);
    const live = this.liveById?.(key);
    // The live org decides when it answers; offline (or before it answered) the files do: a bundle
    // that carries the id as its own `id` is the policy it names, as `eval` reads a raw export.
    if (live === undefined) return resolveOwnId(policy, key, this.carriersOf(key), (n) => this.withName(n));
    if (live === null) return { status: 'missing' };
    // A live policy that a bundle of the workspace describes is that bundle: the chain follows it.
    if (live.name === policy.name) return { status: 'self' };
    if (this.byName.has(live.name)) {
      // The bundles of that name that carry the id too: the org and the files agree on them.
      const carriers = this.ownIds.carriersNamed(key, live.name, this.version, this.getter);
      return {
        status: 'workspace',
        name: live.name,
        targets: this.withName(live.name),
        ...(carriers ? { carriers } : {}),
      };
    }
    return { status: 'live', name: live.name, isActive: live.isActive };
  }

  private readonly getter = (uri: string): ChainPolicy => this.files.get(uri)!;

  /** The bundles that carry the id (any case) as their own `id`, and the name they share. */
  carriersOf(id: string): IdCarriers | undefined {
    return this.ownIds.carriersOf(idKey(id), this.version, this.getter);
  }

  /**
   * The name of the bundle an id stands for, as a prerequisite naming it resolves: the live
   * policy's when the org answers, else the one name of the bundles that carry it as their `id`.
   */
  nameOfId(id: string): string | undefined {
    const live = this.liveId(id);
    return live === undefined ? this.carriersOf(id)?.name : (live?.name ?? undefined);
  }

  /** The bundles of the workspace that wait for the bundle(s) called `name`, directly or through a live id. */
  dependentsOf(name: string): ChainPolicy[] {
    if (this.dependentsCache?.version !== this.version) {
      const map = new Map<string, ChainPolicy[]>();
      for (const p of this.all()) {
        const seen = new Set<string>();
        for (const r of this.resolutions(p)) {
          if (r.status !== 'workspace' || r.name === p.name || seen.has(r.name)) continue;
          seen.add(r.name);
          const list = map.get(r.name);
          if (list) list.push(p);
          else map.set(r.name, [p]);
        }
      }
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
    // A set of the names already listed, only for a policy with many: a set per policy cost more
    // than the graph itself, and a short list is searched faster than a set is built.
    const seenOf = new Map<string, Set<string>>();
    for (const p of this.all()) {
      if (!p.name) continue;
      let edges = g.get(p.name);
      if (!edges) g.set(p.name, (edges = []));
      for (const r of this.resolutions(p)) {
        if (r.status !== 'workspace') continue;
        if (edges.length < SHORT_EDGE_LIST) {
          if (!edges.includes(r.name)) edges.push(r.name);
          continue;
        }
        let seen = seenOf.get(p.name);
        if (!seen) seenOf.set(p.name, (seen = new Set(edges)));
        if (!seen.has(r.name)) {
          seen.add(r.name);
          edges.push(r.name);
        }
      }
    }
    return g;
  }
}

function sameFacts(a: ChainPolicy, b: ChainPolicy): boolean {
  return (
    a.name === b.name &&
    a.id === b.id &&
    a.policyType === b.policyType &&
    a.chainTrigger === b.chainTrigger &&
    a.evaluationOrder === b.evaluationOrder &&
    a.isActive === b.isActive &&
    a.prerequisites.length === b.prerequisites.length &&
    a.prerequisites.every((p, i) => p.ref === b.prerequisites[i].ref && p.index === b.prerequisites[i].index)
  );
}
