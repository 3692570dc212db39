import { numbered, shortestWayBack } from './component';

/**
 * Prerequisite graphs: `graph.get(a)` lists the policies `a` names as prerequisites. The same
 * functions serve the editor (bundles by name), the CLI and the registry (policies by id).
 */
export type Graph = ReadonlyMap<string, readonly string[]>;

/**
 * The cycle that `start` is on, as the path the seed prints (`A → B → C → A` is `[A, B, C, A]`),
 * or undefined. Deterministic: prerequisites are followed in the order they are declared.
 */
export function findCycleThrough(graph: Graph, start: string): string[] | undefined {
  // Depth first with a stack of its own (each frame: a node and the next prerequisite to follow):
  // the recursive walk overflowed past about 5,500 policies of a chain, and the registry answered a
  // write with 500 where it checks the cycle a new prerequisite could close.
  const path: string[] = [];
  const next: number[] = [];
  const onPath = new Set<string>();
  const done = new Set<string>();
  const enter = (n: string) => {
    path.push(n);
    next.push(0);
    onPath.add(n);
  };
  enter(start);
  while (path.length) {
    const top = path.length - 1;
    const n = path[top];
    const prerequisites = graph.get(n) ?? [];
    if (next[top] === prerequisites.length) {
      path.pop();
      next.pop();
      onPath.delete(n);
      done.add(n);
      continue;
    }
    const m = prerequisites[next[top]++];
    if (onPath.has(m)) {
      if (m === start) return [...path, m];
      continue;
    }
    if (!done.has(m)) enter(m);
  }
  return undefined;
}

/** `cycle: A → B → C → A`, the breadcrumb of the seed's 400 response. */
export function formatCycle(path: readonly string[]): string {
  return `cycle: ${path.join(' → ')}`;
}

/**
 * The cycle that the edge `from → to` closes, as a path `[from, to, …, from]`, or undefined when
 * `to` cannot reach `from`. The way back is a shortest one (breadth first, prerequisites in the
 * order they are declared), so the breadcrumb names as few policies as the cycle allows.
 * `within`, the strongly connected component of the edge when the caller knows it, keeps the
 * search inside it: every way back from `to` to `from` stays in the component, and a search of
 * the whole graph from each edge of each cycle would cost (edges on cycles × graph).
 * Unbounded; the breadcrumbs of a finding bound it (breadcrumb.ts).
 */
export function findCycleThroughEdge(
  graph: Graph,
  from: string,
  to: string,
  within: ReadonlySet<string> = new Set(graph.keys()),
): string[] | undefined {
  return shortestWayBack(numbered(graph, within), from, to, { entries: Infinity, steps: Infinity });
}

/**
 * The strongly connected components of the graph with more than one member (the policies that
 * are on some cycle together). Iterative Tarjan, so a chain of thousands of policies cannot
 * overflow the stack. Self-loops are not reported here: a policy naming itself has its own finding.
 */
export function cyclicComponents(graph: Graph): string[][] {
  const steps = cyclicComponentsInSteps(graph);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `cyclicComponents` one root at a time: it pauses after each depth-first search from a new root,
 * so that a caller with a time budget (the language server's scan) can stop between two. The
 * names are numbered once and the search runs on arrays: with maps keyed by the names, a Tarjan
 * over 5,000 policies cost more than building their graph.
 */
export function* cyclicComponentsInSteps(graph: Graph): Generator<void, string[][]> {
  const names = [...graph.keys()];
  const n = names.length;
  const id = new Map<string, number>();
  for (let i = 0; i < n; i++) id.set(names[i], i);
  // The edges of node i are adj[first[i]] … adj[first[i + 1] - 1], links out of the graph left out.
  const first = new Int32Array(n + 1);
  const adj: number[] = [];
  for (let i = 0; i < n; i++) {
    first[i] = adj.length;
    for (const name of graph.get(names[i])!) {
      const j = id.get(name);
      if (j !== undefined) adj.push(j);
    }
  }
  first[n] = adj.length;
  const onSomeCycle = mayBeOnCycle(n, first, adj);
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const out: string[][] = [];
  // The depth-first search's own stack: a node and the next of its edges to follow.
  const workNode: number[] = [];
  const workEdge: number[] = [];
  let counter = 0;
  const enter = (v: number) => {
    index[v] = low[v] = counter++;
    stack.push(v);
    onStack[v] = 1;
    workNode.push(v);
    workEdge.push(first[v]);
  };
  for (let root = 0; root < n; root++) {
    if (index[root] >= 0 || !onSomeCycle[root]) continue;
    yield;
    enter(root);
    while (workNode.length) {
      const top = workNode.length - 1;
      const v = workNode[top];
      const e = workEdge[top];
      if (e < first[v + 1]) {
        workEdge[top] = e + 1;
        const w = adj[e];
        if (index[w] < 0) enter(w);
        else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      workNode.pop();
      workEdge.pop();
      if (top > 0) {
        const parent = workNode[top - 1];
        low[parent] = Math.min(low[parent], low[v]);
      }
      if (low[v] === index[v]) {
        const component: string[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component.push(names[w]);
        } while (w !== v);
        if (component.length > 1) out.push(component.reverse());
      }
    }
  }
  return out;
}

/**
 * The nodes that may be on a cycle: what is left after taking away, again and again, every node
 * that no remaining node points at (Kahn's order). A node on a cycle is never taken away, and a
 * node left is only pointed at by nodes left, so the search from the nodes left finds every
 * component. In a workspace of thousands of bundles and a few cycles, the search (a generator,
 * which V8 runs in its slower tiers) then visits only those few and what they lead to; this loop
 * is a plain function, optimised while it runs.
 */
function mayBeOnCycle(n: number, first: Int32Array, adj: readonly number[]): Uint8Array {
  const pointedAt = new Int32Array(n);
  for (let e = 0; e < adj.length; e++) pointedAt[adj[e]]++;
  const queue = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) if (pointedAt[i] === 0) queue[tail++] = i;
  for (let head = 0; head < tail; head++) {
    const v = queue[head];
    for (let e = first[v]; e < first[v + 1]; e++) if (--pointedAt[adj[e]] === 0) queue[tail++] = adj[e];
  }
  const left = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (pointedAt[i] > 0) left[i] = 1;
  return left;
}
