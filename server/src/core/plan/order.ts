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
  const byName = new Map(writes.map((s) => [s.name, s]));
  const waitingOn = new Map<PlanStep, Set<string>>();
  for (const s of writes) {
    const deps = new Set(prerequisitesOf(s).filter((n) => n !== s.name && byName.has(n)));
    waitingOn.set(s, deps);
  }
  const ordered: PlanStep[] = [];
  const done = new Set<string>();
  const left = new Set(writes);
  while (left.size) {
    // The first step (by rank and file) whose prerequisites have all been written; the sets are
    // small (a workspace's bundles), so a scan per pick is cheaper than a heap.
    let next = [...left].find((s) => [...waitingOn.get(s)!].every((n) => done.has(n)));
    if (!next) {
      // A cycle: the API will refuse one of its writes. Keep going in file order and say so.
      next = [...left][0];
      next.problems.push(`its prerequisites form a cycle with ${[...waitingOn.get(next)!].join(', ')}`);
    }
    left.delete(next);
    done.add(next.name);
    ordered.push(next);
  }
  return [...ordered, ...rest];
}
