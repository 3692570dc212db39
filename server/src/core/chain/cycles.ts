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
