import { resolveProblem } from '../analyze';
import type { Finding, Fix, RelatedInfo } from '../findings';
import { compareFindings } from '../findings';
import type { FixSpec } from '../problem';
import { nearest } from '../suggest';
import { cyclicComponents, findCycleThroughEdge, formatCycle } from './cycles';
import { locate } from '../parse';
import { nameSpan, prerequisiteSpan, type ChainPolicy } from './policy';
import type { ChainIndex } from './workspace';

/**
 * The findings that only the whole workspace can tell, per file URI (files without any are left
 * out): cycles, missing, unresolved and inactive prerequisites, duplicate names. The per-file
 * chain rules (self-reference, a trigger without prerequisites) come with `analyze`.
 *
 * The graph is walked whole on every call: it is linear in the number of links and takes well
 * under a millisecond for hundreds of policies, while the expensive part, parsing, stays per file.
 */
export function chainFindings(index: ChainIndex): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  const add = (uri: string, f: Finding | undefined) => {
    if (!f) return;
    const list = out.get(uri);
    if (list) list.push(f);
    else out.set(uri, [f]);
  };
  const names = index.names();
  for (const policy of index.all()) {
    for (const { ref, index: i } of policy.prerequisites) {
      const r = index.resolve(policy, ref);
      if (r.status === 'missing') {
        const guesses = nearest(ref, names).filter((n) => n !== policy.name);
        const fixes: FixSpec[] = guesses.map((g, k) => ({
          kind: 'replaceValue',
          value: g,
          title: `Change to "${g}"`,
          preferred: k === 0,
        }));
        const hint = guesses.length ? `; did you mean "${guesses[0]}"?` : '';
        add(
          policy.uri,
          place(
            policy,
            ['prerequisites', i],
            'chain/missing-prerequisite',
            'warning',
            missingMessage(ref, hint),
            fixes,
          ),
        );
      } else if (r.status === 'unresolved') {
        add(
          policy.uri,
          place(
            policy,
            ['prerequisites', i],
            'chain/unresolved-prerequisite',
            'info',
            `prerequisite "${ref}" is a live policy id; it is checked once a live org is connected`,
          ),
        );
      } else if (
        (r.status === 'workspace' && r.targets.every((t) => !t.isActive)) ||
        (r.status === 'live' && !r.isActive)
      ) {
        const f = place(
          policy,
          ['prerequisites', i],
          'chain/inactive-prerequisite',
          'warning',
          `prerequisite "${r.name}" is inactive (isActive: false): this policy is skipped at runtime`,
        );
        if (f && r.status === 'workspace') f.related = r.targets.map((t) => link(t, 'the inactive policy'));
        add(policy.uri, f);
      }
    }
  }
  for (const name of names) {
    const same = index.withName(name);
    if (same.length < 2) continue;
    for (const p of same) {
      const others = same.filter((o) => o !== p);
      const f = place(
        p,
        ['name'],
        'chain/duplicate-name',
        'error',
        `${others.length === 1 ? 'another bundle' : `${others.length} other bundles`} in the workspace ${others.length === 1 ? 'is' : 'are'} also named "${name}": names are unique within an org`,
      );
      if (f) f.related = others.map((o) => link(o, `also named "${name}"`));
      add(p.uri, f);
    }
  }
  for (const [uri, f] of cycleFindings(index)) add(uri, f);
  for (const list of out.values()) list.sort(compareFindings);
  return out;
}

function missingMessage(ref: string, hint: string): string {
  return `prerequisite "${ref}" is not a policy in the workspace${hint}`;
}

function place(
  policy: ChainPolicy,
  path: (string | number)[],
  code: string,
  severity: Finding['severity'],
  message: string,
  fixes?: FixSpec[],
): Finding | undefined {
  if (!policy.doc.root) return undefined;
  return resolveProblem(
    { code, severity, message, path, target: 'value', ...(fixes ? { fixes } : {}) },
    policy.doc,
  );
}

function link(policy: ChainPolicy, message: string): RelatedInfo {
  return { uri: policy.uri, span: nameSpan(policy) ?? { start: 0, end: 0 }, message };
}

/**
 * A cycle is reported on every prerequisite entry that is one of its edges, in every file on it.
 * The breadcrumb starts at the file's own policy and follows that entry back round the shortest
 * way, so each file reads the cycle from where it stands; the related information links the
 * other hops (the entry in each file that makes the next step).
 */
function cycleFindings(index: ChainIndex): [string, Finding][] {
  const graph = index.graph();
  const out: [string, Finding][] = [];
  for (const component of cyclicComponents(graph)) {
    const members = new Set(component);
    for (const name of component)
      for (const policy of index.withName(name))
        for (const { ref, index: i } of policy.prerequisites) {
          const r = index.resolve(policy, ref);
          if (r.status !== 'workspace' || !members.has(r.name)) continue;
          const path = findCycleThroughEdge(graph, name, r.name);
          if (!path) continue;
          const f = place(policy, ['prerequisites', i], 'chain/cycle', 'error', formatCycle(path), [
            { kind: 'removeItem', title: `Remove prerequisite "${ref}" to break the cycle`, preferred: true },
          ]);
          if (!f) continue;
          const lastItem = emptyBlockListFix(policy, f.fixes?.[0]?.title ?? '');
          if (lastItem) f.fixes = [lastItem];
          f.related = hops(index, path.slice(1));
          out.push([policy.uri, f]);
        }
  }
  return out;
}

/** For each step `a → b` of the path, the entry of `a`'s file that names `b`. */
function hops(index: ChainIndex, path: string[]): RelatedInfo[] {
  const out: RelatedInfo[] = [];
  for (let k = 0; k + 1 < path.length; k++) {
    const [from, to] = [path[k], path[k + 1]];
    for (const p of index.withName(from)) {
      const entry = p.prerequisites.find(({ ref }) => {
        const r = index.resolve(p, ref);
        return r.status === 'workspace' && r.name === to;
      });
      if (!entry) continue;
      out.push({
        uri: p.uri,
        span: prerequisiteSpan(p, entry.index) ?? { start: 0, end: 0 },
        message: `${from} → ${to}`,
      });
      break;
    }
  }
  return out;
}

/**
 * Removing the only entry of a YAML block list would leave `prerequisites:` with no value (null,
 * a schema error); the fix writes `prerequisites: []` instead.
 */
function emptyBlockListFix(policy: ChainPolicy, title: string): Fix | undefined {
  const { node, property, depth } = locate(policy.doc.root, ['prerequisites']);
  if (depth !== 1 || !property || node?.type !== 'array' || node.flow || node.items.length !== 1)
    return undefined;
  return {
    title,
    isPreferred: true,
    edits: [{ start: property.key.end, end: node.items[0].end, newText: ': []' }],
  };
}
