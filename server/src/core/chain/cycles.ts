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
  const stack: string[] = [];
  const onStack = new Set<string>();
  const done = new Set<string>();
  const visit = (n: string): string[] | undefined => {
    if (onStack.has(n)) return n === start ? [...stack, n] : undefined;
    if (done.has(n)) return undefined;
    stack.push(n);
    onStack.add(n);
    for (const next of graph.get(n) ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    stack.pop();
    onStack.delete(n);
    done.add(n);
    return undefined;
  };
  return visit(start);
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
 */
export function findCycleThroughEdge(
  graph: Graph,
  from: string,
  to: string,
  within?: ReadonlySet<string>,
): string[] | undefined {
  if (from === to) return [from, from];
  const cameFrom = new Map<string, string>([[to, to]]);
  const queue = [to];
  for (let head = 0; head < queue.length; head++) {
    const n = queue[head];
    for (const next of graph.get(n) ?? []) {
      if (cameFrom.has(next) || (within && !within.has(next))) continue;
      cameFrom.set(next, n);
      if (next === from) {
        const back: string[] = [from];
        for (let cur = n; cur !== to; cur = cameFrom.get(cur) as string) back.push(cur);
        back.push(to);
        return [from, ...back.reverse()];
      }
      queue.push(next);
    }
  }
  return undefined;
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
 * so that a caller with a time budget (the language server's scan) can stop between two.
 */
export function* cyclicComponentsInSteps(graph: Graph): Generator<void, string[][]> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    yield;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1];
      const edges = graph.get(frame.node) ?? [];
      if (frame.next < edges.length) {
        const w = edges[frame.next++];
        if (!graph.has(w)) continue;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, next: 0 });
        } else if (onStack.has(w)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.node);
        if (component.length > 1) out.push(component.reverse());
      }
    }
  }
  return out;
}
