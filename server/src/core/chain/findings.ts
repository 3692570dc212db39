import type { Finding, Fix, RelatedInfo } from '../findings';
import { compareFindings } from '../findings';
import type { FixSpec } from '../problem';
import { cycleThroughEdge, formatBreadcrumb } from './breadcrumb';
import { cyclicComponents, cyclicComponentsInSteps } from './cycles';
import { idFinding, isQuietId } from './idFindings';
import { formOf, otherForms } from './normalization';
import { locate } from '../parse';
import { link, MAX_RELATED, place } from './place';
import { looksLikeId, placingDocument, prerequisiteSpan, type ChainPolicy } from './policy';
import type { ChainIndex } from './workspace';

/**
 * The findings that only the whole workspace can tell, per file URI (files without any are left
 * out): cycles, missing, unresolved and inactive prerequisites, duplicate names. The per-file
 * chain rules (self-reference, a trigger without prerequisites) come with `analyze`.
 */
export function chainFindings(index: ChainIndex): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const policy of index.all()) {
    const list = fileChainFindings(index, policy.uri);
    if (list.length) out.set(policy.uri, list);
  }
  return out;
}

/**
 * The cross-file findings of one file. The graph facts (cycles) are computed once per version of
 * the index and shared; the rest is this file's entries, so the editor pays only for the files it
 * shows, not for the whole workspace on every keystroke.
 */
export function fileChainFindings(index: ChainIndex, uri: string): Finding[] {
  const policy = index.get(uri);
  if (!policy) return [];
  const out: Finding[] = [];
  const add = (f: Finding | undefined) => {
    if (f) out.push(f);
  };
  const resolved = index.resolutions(policy);
  for (const [k, { ref, index: i }] of policy.prerequisites.entries()) {
    const r = resolved[k];
    add(idFinding(index, policy, ref, i, r));
    if (r.status === 'missing') {
      // The same name in another Unicode form first: it looks like what was written.
      const forms = otherForms(index, ref);
      const near = index.nearestNames(ref).filter((n) => n !== policy.name && !forms.includes(n));
      const guesses = [...forms, ...near].slice(0, Math.max(3, forms.length));
      const fixes: FixSpec[] = guesses.map((g, j) => ({
        kind: 'replaceValue',
        value: g,
        title: forms.includes(g) ? `Change to "${g}" (${formOf(g)})` : `Change to "${g}"`,
        preferred: j === 0,
      }));
      const hint = forms.length
        ? `; "${forms[0]}" is, written in Unicode ${formOf(forms[0])} where this is ${formOf(ref)} (names are compared code point by code point)`
        : guesses.length
          ? `; did you mean "${guesses[0]}"?`
          : '';
      add(
        place(
          policy,
          ['prerequisites', i],
          'chain/missing-prerequisite',
          'warning',
          missingMessage(index, ref, hint),
          fixes,
        ),
      );
    } else if (r.status === 'unresolved' && !r.carriers) {
      add(
        place(
          policy,
          ['prerequisites', i],
          'chain/unresolved-prerequisite',
          'info',
          `prerequisite "${ref}" is a live policy id; it is checked once a live org is connected`,
        ),
      );
    } else if (
      (r.status === 'workspace' && !index.someActiveNamed(r.name)) ||
      (r.status === 'live' && !r.isActive)
    ) {
      const f = place(
        policy,
        ['prerequisites', i],
        'chain/inactive-prerequisite',
        'warning',
        `prerequisite "${r.name}" is inactive (isActive: false): this policy is skipped at runtime`,
      );
      if (f && r.status === 'workspace')
        f.related = r.targets.slice(0, MAX_RELATED).map((t) => link(t, 'the inactive policy'));
      add(f);
    }
  }
  if (policy.name) {
    // Counted, and only the linked ones listed: thousands of bundles may share one name.
    const others = index.countNamed(policy.name) - (index.get(policy.uri) === policy ? 1 : 0);
    if (others > 0) {
      const f = place(
        policy,
        ['name'],
        'chain/duplicate-name',
        'error',
        `${others === 1 ? 'another bundle' : `${others} other bundles`} ${index.scope} ${others === 1 ? 'is' : 'are'} also named "${policy.name}": names are unique within an org`,
      );
      if (f)
        f.related = index
          .withName(policy.name)
          .slice(0, MAX_RELATED + 1)
          .filter((o) => o !== policy)
          .slice(0, MAX_RELATED)
          .map((o) => link(o, `also named "${policy.name}"`));
      add(f);
    }
  }
  if (policy.name) add(normalizationFinding(index, policy, policy.name));
  out.push(...cycleFindings(index, policy));
  return out.sort(compareFindings);
}

/**
 * A name that other bundles have in another Unicode form: two policies to the registry that look
 * like one (normalization.ts). The fix writes a name that is not NFC in NFC, after which the two are
 * what they looked like, one name (and a duplicate-name error if both bundles stay).
 */
function normalizationFinding(index: ChainIndex, policy: ChainPolicy, name: string): Finding | undefined {
  const forms = otherForms(index, name);
  if (!forms.length) return undefined;
  const others = forms.reduce((n, form) => n + index.countNamed(form), 0);
  const nfc = name.normalize('NFC');
  const f = place(
    policy,
    ['name'],
    'chain/name-normalization',
    'warning',
    `${others === 1 ? 'another bundle' : `${others} other bundles`} ${index.scope} ${others === 1 ? 'is' : 'are'} named "${forms[0]}", the same letters in Unicode ${formOf(forms[0])} (this name is ${formOf(name)}): to the registry and to prerequisites they are different names that look the same`,
    nfc === name
      ? []
      : [{ kind: 'replaceValue', value: nfc, title: 'Write the name in Unicode NFC', preferred: true }],
  );
  if (f)
    f.related = forms
      .flatMap((form) => index.withName(form).slice(0, MAX_RELATED))
      .slice(0, MAX_RELATED)
      .map((o) => link(o, `named "${o.name}" (${formOf(o.name ?? '')})`));
  return f;
}

/**
 * The cross-file findings of each file of `uris`, in that order (a file that is not in the index has
 * none): what `fileChainFindings` gives for each, for a caller that wants the whole workspace (lint).
 * The graph and its cycles are made first, in one go, and a file that they and its own entries show
 * to be quiet (every entry an active bundle of the workspace, its name its own and on no cycle) is
 * not examined further: in a workspace of thousands of bundles and a few findings, examining every
 * file cost lint most of its cross-file phase.
 */
export function workspaceChainFindings(index: ChainIndex, uris: readonly string[]): Finding[][] {
  return uris.map(workspaceChainFinder(index));
}

/**
 * `workspaceChainFindings` one file at a time: the graph and its cycles are made once, when the
 * finder is made, and each call gives one file's findings. For a caller that cannot hold every
 * file's findings at once (lint, when there are hundreds of thousands) and asks for a file's again.
 */
export function workspaceChainFinder(index: ChainIndex): (uri: string) => Finding[] {
  const { component } = graphFacts(index);
  return (uri) => {
    const policy = index.get(uri);
    if (!policy || isQuiet(index, policy, component)) return [];
    return fileChainFindings(index, uri);
  };
}

/** True when `fileChainFindings` has nothing to say of `policy` (see its branches). */
function isQuiet(index: ChainIndex, policy: ChainPolicy, component: Map<string, Set<string>>): boolean {
  if (
    policy.name !== undefined &&
    (component.has(policy.name) || index.countNamed(policy.name) > 1 || otherForms(index, policy.name).length)
  )
    return false;
  if (!policy.prerequisites.length) return true;
  for (const [k, r] of index.resolutions(policy).entries()) {
    if (!isQuietId(policy, policy.prerequisites[k].ref, r)) return false;
    if (r.status === 'self') continue;
    if (r.status === 'workspace') {
      if (!index.someActiveNamed(r.name)) return false;
    } else if (r.status !== 'live' || !r.isActive) return false;
  }
  return true;
}

interface GraphFacts {
  graph: Map<string, string[]>;
  /** For each name on a cycle, the names of its strongly connected component. */
  component: Map<string, Set<string>>;
}

const factsCache = new WeakMap<ChainIndex, { version: number; facts: GraphFacts }>();

/**
 * The prerequisite graph and its cycles, once per version of the index. Every file's findings ask:
 * the cached facts are returned before any generator is made, and the first question computes
 * them in one go (the steps and their pauses are for the language server's scan).
 */
function graphFacts(index: ChainIndex): GraphFacts {
  const cached = factsCache.get(index);
  if (cached?.version === index.version) return cached.facts;
  const graph = index.graph();
  return keepFacts(index, index.version, graph, cyclicComponents(graph));
}

/** The facts of `graph` with its cyclic components, kept for this version of the index. */
function keepFacts(index: ChainIndex, version: number, graph: Map<string, string[]>, cycles: string[][]) {
  const component = new Map<string, Set<string>>();
  for (const c of cycles) {
    const members = new Set(c);
    for (const name of c) component.set(name, members);
  }
  const facts = { graph, component };
  factsCache.set(index, { version, facts });
  return facts;
}

/**
 * `graphFacts` a step at a time, pausing after each policy's prerequisites are resolved and after
 * each search of the cycle finder: the language server prepares the facts of a freshly scanned
 * workspace in slices (`prepareChainFindings`) instead of one block at its first findings. Returns
 * undefined when the index changed meanwhile (its facts are then made on demand).
 */
function* graphFactsInSteps(index: ChainIndex): Generator<void, GraphFacts | undefined> {
  const version = index.version;
  const cached = factsCache.get(index);
  if (cached?.version === version) return cached.facts;
  for (const policy of index.all()) {
    index.resolutions(policy);
    yield;
    if (index.version !== version) return undefined;
  }
  const graph = index.graph();
  const cycles = cyclicComponentsInSteps(graph);
  let step = cycles.next();
  for (; !step.done; step = cycles.next()) {
    yield;
    if (index.version !== version) return undefined;
  }
  return keepFacts(index, version, graph, step.value);
}

/**
 * Prepares what every file's cross-file findings share (the resolution of every prerequisite, the
 * graph and its cycles) in small steps, for a caller that runs them between other work; the
 * findings of each file then cost only that file's entries. Stops early when the index changes.
 */
export function* prepareChainFindings(index: ChainIndex): Generator<void, void> {
  yield* graphFactsInSteps(index);
}

function missingMessage(index: ChainIndex, ref: string, hint: string): string {
  // Say where it was looked for: an id only ever comes from the live org (which answered "no").
  if (looksLikeId(ref)) return `prerequisite "${ref}" is not a policy of the live org`;
  const where = index.resolvesLiveNames ? `${index.scope} or the live org` : index.scope;
  return `prerequisite "${ref}" is not a policy ${where}${hint}`;
}

/**
 * How many hops of a cycle the related information links: a cycle through hundreds of policies
 * would otherwise put hundreds of links on each of hundreds of findings. The message names the
 * first and last policies of a long one and counts the others (breadcrumb.ts).
 */
const MAX_RELATED_HOPS = 12;

/**
 * A cycle is reported on every prerequisite entry that is one of its edges, in every file on it.
 * The breadcrumb starts at the file's own policy and follows that entry back round (the shortest
 * way, up to a bound: breadcrumb.ts), so each file reads the cycle from where it stands; the
 * related information links the first hops (the entry in each file that makes the next step).
 */
function cycleFindings(index: ChainIndex, policy: ChainPolicy): Finding[] {
  const { graph, component } = graphFacts(index);
  const members = policy.name ? component.get(policy.name) : undefined;
  if (!policy.name || !members) return [];
  const out: Finding[] = [];
  const resolved = index.resolutions(policy);
  for (const [k, { ref, index: i }] of policy.prerequisites.entries()) {
    const r = resolved[k];
    if (r.status !== 'workspace' || !members.has(r.name)) continue;
    const crumb = cycleThroughEdge(graph, policy.name, r.name, members);
    if (!crumb) continue;
    const f = place(policy, ['prerequisites', i], 'chain/cycle', 'error', formatBreadcrumb(crumb), [
      { kind: 'removeItem', title: `Remove prerequisite "${ref}" to break the cycle`, preferred: true },
    ]);
    if (!f) continue;
    const lastItem = emptyBlockListFix(policy, f.fixes?.[0]?.title ?? '');
    if (lastItem) f.fixes = [lastItem];
    // The hops shown at the start of the breadcrumb, then those at its end when the middle is counted.
    f.related = hops(index, crumb.head.slice(1, MAX_RELATED_HOPS + 2));
    if (crumb.skipped && f.related.length < MAX_RELATED_HOPS)
      f.related.push(...hops(index, crumb.tail).slice(0, MAX_RELATED_HOPS - f.related.length));
    out.push(f);
  }
  return out;
}

/** For each step `a → b` of the path, the entry of `a`'s file that names `b`. */
function hops(index: ChainIndex, path: string[]): RelatedInfo[] {
  const out: RelatedInfo[] = [];
  for (let k = 0; k + 1 < path.length; k++) {
    const [from, to] = [path[k], path[k + 1]];
    for (const p of index.withName(from)) {
      const hop = hopOf(index, p, from, to);
      if (!hop) continue;
      out.push(hop);
      break;
    }
  }
  return out;
}

/**
 * The links of hops, per policy and the name it leads to, for one version of the index. Every hop
 * of a cycle is linked from the findings of the dozen policies before it on the cycle: in a cycle
 * through 5,000 policies each hop was looked up (resolutions, entry, position) twelve times. The
 * links are shared by those findings (nothing changes a finding's related links once made). A
 * policy whose positions moved is a new object in the index (`swapSameFacts`), with no links yet.
 */
const hopsCache = new WeakMap<
  ChainIndex,
  { version: number; links: WeakMap<ChainPolicy, Map<string, RelatedInfo | null>> }
>();

function hopOf(index: ChainIndex, p: ChainPolicy, from: string, to: string): RelatedInfo | undefined {
  let cache = hopsCache.get(index);
  if (cache?.version !== index.version)
    hopsCache.set(index, (cache = { version: index.version, links: new WeakMap() }));
  let links = cache.links.get(p);
  if (!links) cache.links.set(p, (links = new Map()));
  let link = links.get(to);
  if (link === undefined) {
    const resolved = index.resolutions(p);
    const entry = p.prerequisites.find((_, k) => {
      const r = resolved[k];
      return r.status === 'workspace' && r.name === to;
    });
    link = entry
      ? {
          uri: p.uri,
          span: prerequisiteSpan(p, entry.index) ?? { start: 0, end: 0 },
          message: `${from} → ${to}`,
        }
      : null;
    links.set(to, link);
  }
  return link ?? undefined;
}

/**
 * Removing the only entry of a YAML block list would leave `prerequisites:` with no value (null,
 * a schema error); the fix writes `prerequisites: []` instead.
 */
function emptyBlockListFix(policy: ChainPolicy, title: string): Fix | undefined {
  const { node, property, depth } = locate(placingDocument(policy).root, ['prerequisites']);
  if (depth !== 1 || !property || node?.type !== 'array' || node.flow || node.items.length !== 1)
    return undefined;
  return {
    title,
    isPreferred: true,
    edits: [{ start: property.key.end, end: node.items[0].end, newText: ': []' }],
  };
}
