import { idKey, type ChainPolicy } from './policy';
import type { Resolution } from './workspace';

/**
 * The bundles that carry an id as their own `id`, as the chain sees them: the bundles (in the order
 * of their URIs), their URIs, their distinct names, and the one name they share, or `undefined` when
 * they do not share one (two different policies claim the id, or one has no name). One object per
 * id and index version when several bundles carry it: every entry naming the id shares it, so what
 * is said of the carriers costs their number once, not once per entry (issue 14).
 */
export interface IdCarriers {
  readonly carriers: readonly ChainPolicy[];
  readonly uris: readonly string[];
  readonly names: readonly string[];
  readonly name: string | undefined;
}

type Shared = IdCarriers & { named?: Map<string, IdCarriers | null> };

/** The facts of a list of carriers (in the order of their URIs). */
function carriersFacts(carriers: readonly ChainPolicy[]): IdCarriers {
  const names = [...new Set(carriers.map((c) => c.name))];
  const defined = names.filter((n): n is string => n !== undefined);
  return {
    carriers,
    uris: carriers.map((c) => c.uri),
    names: defined,
    name: names.length === 1 ? defined[0] : undefined,
  };
}

/** The key a bundle's own `id` is filed under (`idKey`: ids are compared in lower case). */
export function ownIdKey(policy: ChainPolicy): string | undefined {
  return policy.id === undefined ? undefined : idKey(policy.id);
}

/**
 * Every bundle of the index by its own `id`, kept current one file at a time as `ChainIndex` keeps
 * its names. A raw export (the API's policy objects saved as files) keeps the server's `id` of each
 * policy, and its prerequisites are those ids: offline, the files themselves say which bundle an id
 * names, as `eval` reads them (core/eval/execlave-links.ts).
 */
export class OwnIds {
  private readonly uris = new Map<string, Set<string>>();
  /** The facts of each id several bundles carry, made once per version of the index. */
  private shared: { version: number; map: Map<string, Shared> } | undefined;

  add(policy: ChainPolicy): void {
    const key = ownIdKey(policy);
    if (key === undefined) return;
    let set = this.uris.get(key);
    if (!set) this.uris.set(key, (set = new Set()));
    set.add(policy.uri);
  }

  remove(policy: ChainPolicy): void {
    const key = ownIdKey(policy);
    const set = key === undefined ? undefined : this.uris.get(key);
    if (!set || key === undefined) return;
    set.delete(policy.uri);
    if (!set.size) this.uris.delete(key);
  }

  /** Drops the shared facts of `policy`'s id: its entry was swapped without a new version. */
  forget(policy: ChainPolicy): void {
    const key = ownIdKey(policy);
    if (key !== undefined) this.shared?.map.delete(key);
  }

  /** The bundles carrying the id `key` (in lower case), or undefined when none does. */
  carriersOf(key: string, version: number, get: (uri: string) => ChainPolicy): IdCarriers | undefined {
    const set = this.uris.get(key);
    if (!set) return undefined;
    if (set.size === 1) return carriersFacts([get(set.values().next().value!)]);
    return this.sharedOf(key, set, version, get);
  }

  /** The carriers of `key` named `name` (the live org's name for the id), or undefined for none. */
  carriersNamed(
    key: string,
    name: string,
    version: number,
    get: (uri: string) => ChainPolicy,
  ): IdCarriers | undefined {
    const set = this.uris.get(key);
    if (!set) return undefined;
    if (set.size === 1) {
      const only = get(set.values().next().value!);
      return only.name === name ? carriersFacts([only]) : undefined;
    }
    const shared = this.sharedOf(key, set, version, get);
    if (shared.name === name) return shared;
    let named = (shared.named ??= new Map()).get(name);
    if (named === undefined) {
      const list = shared.carriers.filter((c) => c.name === name);
      shared.named.set(name, (named = list.length ? carriersFacts(list) : null));
    }
    return named ?? undefined;
  }

  private sharedOf(
    key: string,
    set: ReadonlySet<string>,
    version: number,
    get: (uri: string) => ChainPolicy,
  ): Shared {
    if (this.shared?.version !== version) this.shared = { version, map: new Map() };
    let entry = this.shared.map.get(key);
    if (!entry) this.shared.map.set(key, (entry = carriersFacts([...set].sort().map(get))));
    return entry;
  }
}

/**
 * What an id names when the files decide (no live org, or one that cannot tell): the bundle that
 * carries it as its own `id`. A bundle naming its own id names itself. Several bundles that carry
 * it under one name are that name, as a name several bundles share is (`chain/duplicate-name` says
 * what is wrong there). Bundles that carry it under different names leave it unresolved, with the
 * carriers for the finding to name: they are copies that claim to be the same live policy, and which
 * one the prerequisite meant is not in the files (docs/decisions/chain.md).
 */
export function resolveOwnId(
  policy: ChainPolicy,
  key: string,
  found: IdCarriers | undefined,
  withName: (name: string) => readonly ChainPolicy[],
): Resolution {
  if (!found) return { status: 'unresolved' };
  if (ownIdKey(policy) === key) return { status: 'self' };
  const { name } = found;
  if (name === undefined) return { status: 'unresolved', carriers: found };
  if (name === policy.name) return { status: 'self' };
  return { status: 'workspace', name, targets: withName(name), carriers: found };
}
