/**
 * The order in which a plan's steps run. A policy's prerequisites must exist before it names them (the
 * API refuses an unknown prerequisite id), and a prerequisite dropped by one update must be gone before
 * another update would close a cycle through it. So creates and updates are sorted topologically by the
 * desired prerequisites; among steps that are free to go, creates come first, then updates, each in file
 * order. Deletes follow, and no-ops come last, as the seed lists them.
 */
import type { PlanStep } from './types';

const RANK: Record<PlanStep['action'], number> = { create: 0, update: 1, delete: 2, 'no-op': 3 };

function byFile(a: PlanStep, b: PlanStep): number {
  return RANK[a.action] - RANK[b.action] || cmp(a.file ?? '', b.file ?? '') || cmp(a.name, b.name);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `prerequisitesOf(step)` gives the policy names the step's written body depends on. */
export function orderSteps(steps: PlanStep[], prerequisitesOf: (step: PlanStep) => string[]): PlanStep[] {
  const writes = steps.filter((s) => s.action === 'create' || s.action === 'update').sort(byFile);
  const rest = steps.filter((s) => s.action !== 'create' && s.action !== 'update').sort(byFile);
  // Kahn's algorithm over step indexes; the ready set is a min-heap on the (rank, file) order, so the
  // result is deterministic and the work stays O(n log n) for long chains.
  const index = new Map(writes.map((s, i) => [s.name, i]));
  const waiting = writes.map(() => 0);
  const dependents: number[][] = writes.map(() => []);
  const deps: Set<number>[] = writes.map((s, i) => {
    const set = new Set<number>();
    for (const n of prerequisitesOf(s)) {
      const j = index.get(n);
      if (j !== undefined && j !== i) set.add(j);
    }
    return set;
  });
  deps.forEach((set, i) => {
    waiting[i] = set.size;
    for (const j of set) dependents[j].push(i);
  });
  const ready = new MinHeap();
  waiting.forEach((w, i) => w === 0 && ready.push(i));
  const done = new Array<boolean>(writes.length).fill(false);
  const ordered: PlanStep[] = [];
  let scan = 0;
  while (ordered.length < writes.length) {
    let next = ready.pop();
    if (next === undefined) {
      // A cycle: the API will refuse one of its writes, and the plan says so (cycles.ts checks the
      // whole org as the plan leaves it). Take the first step left in file order; the rest of the
      // cycle then unblocks.
      while (done[scan]) scan++;
      next = scan;
    }
    if (done[next]) continue;
    done[next] = true;
    ordered.push(writes[next]);
    for (const d of dependents[next]) if (--waiting[d] === 0 && !done[d]) ready.push(d);
  }
  return [...ordered, ...rest];
}

/** A binary min-heap of numbers. */
class MinHeap {
  private readonly items: number[] = [];

  push(n: number): void {
    const a = this.items;
    a.push(n);
    for (let i = a.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (a[parent] <= a[i]) break;
      [a[parent], a[i]] = [a[i], a[parent]];
      i = parent;
    }
  }

  pop(): number | undefined {
    const a = this.items;
    if (!a.length) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l] < a[m]) m = l;
        if (r < a.length && a[r] < a[m]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}
