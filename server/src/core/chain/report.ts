import { cyclicComponents, findCycleThrough } from './cycles';
import { evaluationOrder, type Ordered } from './order';
import type { ChainPolicy } from './policy';
import type { ChainIndex, Resolution } from './workspace';

/** How one prerequisite entry stands. `self` is a self-reference, reported by the file's own rules. */
export type LinkStatus = 'ok' | 'inactive' | 'live' | 'unresolved' | 'missing' | 'self';

export interface ReportLink {
  /** As written in the file (a name or a live id). */
  ref: string;
  status: LinkStatus;
  /** The policy's name when the link resolved (through the workspace or the live org). */
  name?: string;
  /** The files of the workspace bundle it names. */
  uris?: string[];
  /** The files that carry the ref as their own `id` (a raw export's), when the link went through it. */
  idOf?: readonly string[];
}

export interface ReportEntry {
  position: number;
  name: string;
  uri: string;
  policyType?: string;
  chainTrigger: string;
  evaluationOrder: number;
  isActive: boolean;
  inCycle: boolean;
  prerequisites: ReportLink[];
  /** Names of the bundles that list this one as a prerequisite. */
  dependents: string[];
}

/** The whole chain of a workspace, as `policylens chain` prints it and `policyLens/chainOrder` sends it. */
export interface ChainReport {
  entries: ReportEntry[];
  /** One breadcrumb per group of policies on a cycle, `[A, B, C, A]`. */
  cycles: string[][];
  /** Names used by more than one bundle. */
  duplicateNames: string[];
  /** True when the chain has a cycle, a missing link or an ambiguous name (the CLI's exit 1). */
  broken: boolean;
}

export function linkStatus(r: Resolution): LinkStatus {
  switch (r.status) {
    case 'workspace':
      return r.targets.some((t) => t.isActive) ? 'ok' : 'inactive';
    case 'live':
      return r.isActive ? 'live' : 'inactive';
    default:
      return r.status;
  }
}

/** One list per name, however many entries name it or bundles share it (see `chainReport`). */
type PerName = Map<string, string[]>;

function linkOf(index: ChainIndex, policy: ChainPolicy, ref: string, files: PerName): ReportLink {
  const r = index.resolve(policy, ref);
  const link: ReportLink = { ref, status: linkStatus(r) };
  if (r.status === 'workspace') {
    link.name = r.name;
    let uris = files.get(r.name);
    if (!uris) files.set(r.name, (uris = r.targets.map((t) => t.uri)));
    link.uris = uris;
  } else if (r.status === 'live') link.name = r.name;
  if ((r.status === 'workspace' || r.status === 'unresolved') && r.carriers) link.idOf = r.carriers.uris;
  return link;
}

/**
 * The report for the workspace, in evaluation order (pass `order` when it is already computed).
 * A link's files and an entry's dependents are lists per name, shared by every link and entry of
 * that name: thousands of bundles sharing a name that thousands of others name would otherwise
 * hold (entries × bundles) copies (the chain command took 43 s and 2.2 GB for 5,000 of each).
 */
export function chainReport(
  index: ChainIndex,
  order: Ordered<ChainPolicy>[] = evaluationOrder(index),
): ChainReport {
  const files: PerName = new Map();
  const dependents: PerName = new Map();
  const dependentsOf = (name: string) => {
    let names = dependents.get(name);
    if (!names)
      dependents.set(name, (names = [...new Set(index.dependentsOf(name).map((d) => d.name ?? ''))].sort()));
    return names;
  };
  const entries = order.map(({ item: p, position, inCycle }): ReportEntry => ({
    position,
    name: p.name ?? '',
    uri: p.uri,
    ...(p.policyType ? { policyType: p.policyType } : {}),
    chainTrigger: p.chainTrigger,
    evaluationOrder: p.evaluationOrder,
    isActive: p.isActive,
    inCycle,
    prerequisites: p.prerequisites.map(({ ref }) => linkOf(index, p, ref, files)),
    dependents: p.name ? dependentsOf(p.name) : [],
  }));
  const graph = index.graph();
  const cycles = cyclicComponents(graph)
    .map((c) => findCycleThrough(graph, [...c].sort()[0]))
    .filter((c): c is string[] => !!c)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
  // A policy naming itself is a cycle of one for the server (it rejects it at write time).
  for (const e of entries)
    if (e.prerequisites.some((l) => l.status === 'self')) cycles.push([e.name, e.name]);
  const duplicateNames = index.names().filter((n) => index.countNamed(n) > 1);
  const broken =
    cycles.length > 0 ||
    duplicateNames.length > 0 ||
    entries.some((e) => e.prerequisites.some((l) => l.status === 'missing'));
  return { entries, cycles, duplicateNames, broken };
}
