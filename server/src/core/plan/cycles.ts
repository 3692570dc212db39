/**
 * Cycles in the org as a plan would leave it. The registry refuses a write that closes a cycle, so
 * a cycle found only at apply time fails half-way through a multi-step plan. The plan knows the live
 * graph: the live policies it leaves as they are (prerequisites as listed), the declared ones as
 * their bundles write them, and nothing it deletes.
 */
import { cyclicComponents, findCycleThrough } from '../chain/cycles';
import type { LiveOrgPolicy, PlanStep } from './types';

export function checkCyclesAfterPlan(
  steps: readonly PlanStep[],
  liveByName: ReadonlyMap<string, LiveOrgPolicy>,
  desiredPrerequisites: ReadonlyMap<string, string[]>,
  nameOf: (ref: string) => string,
): void {
  const graph = new Map<string, string[]>();
  const deleted = new Set(steps.filter((s) => s.action === 'delete').map((s) => s.name));
  for (const [name, p] of liveByName) {
    if (deleted.has(name) || desiredPrerequisites.has(name)) continue;
    const refs = Array.isArray(p.prerequisites) ? p.prerequisites : [];
    graph.set(name, refs.filter((r): r is string => typeof r === 'string').map(nameOf));
  }
  for (const [name, refs] of desiredPrerequisites) graph.set(name, refs.map(nameOf));
  const writes = new Map(
    steps.filter((s) => s.action === 'create' || s.action === 'update').map((s) => [s.name, s]),
  );
  // A search per written step would cost (steps on cycles × graph) on a long cyclic chain: a step on
  // a cycle already found gets that cycle, turned to start at it, and the searches are bounded.
  let searches = SEARCHES;
  for (const component of cyclicComponents(graph)) {
    // A cycle no step of the plan writes is already in the org: not this plan's doing.
    const found: Cycle[] = [];
    for (const name of component) {
      const step = writes.get(name);
      if (!step) continue;
      let cycle = found.find((c) => c.at.has(name));
      if (!cycle && searches > 0) {
        searches--;
        const path = findCycleThrough(graph, name);
        if (path) found.push((cycle = cycleOf(path, desiredPrerequisites)));
      }
      if (!cycle) {
        const others = component.filter((n) => n !== name).slice(0, 3);
        step.problems.push(`its prerequisites would form a cycle with ${others.join(', ')}`);
        (step.problemPaths ??= [])[step.problems.length - 1] = ['prerequisites'];
        continue;
      }
      step.problems.push(
        `its prerequisites would form a cycle: ${shown(cycle.ring, cycle.at.get(name)!)}` +
          (cycle.liveOnly.length
            ? ` (${cycle.liveOnly.join(', ')}: in the live org, declared by no bundle); the API would refuse the write`
            : ''),
      );
      (step.problemPaths ??= [])[step.problems.length - 1] = ['prerequisites'];
    }
  }
}

interface Cycle {
  /** The policies on it, once each, in order. */
  ring: string[];
  /** Where each one is on the ring. */
  at: Map<string, number>;
  /** Those that only the live org holds (at most three named). */
  liveOnly: string[];
}

function cycleOf(path: readonly string[], declared: ReadonlyMap<string, unknown>): Cycle {
  const ring = path.slice(0, -1);
  const liveOnly = ring.filter((n) => !declared.has(n));
  if (liveOnly.length > 3) liveOnly.splice(3, liveOnly.length, `${liveOnly.length - 3} more`);
  return { ring, at: new Map(ring.map((n, i) => [n, i])), liveOnly };
}

/** How many cycles one plan searches for; past them a step names some of its cycle's members. */
const SEARCHES = 50;

/**
 * The ring as a path from position `from` back to it; a long one cut in the middle:
 * `A → B → C → D → … → Y → Z → A (40 policies)`.
 */
function shown(ring: readonly string[], from: number): string {
  const n = ring.length;
  const at = (i: number) => ring[(from + i) % n];
  if (n <= 11) return [...Array.from({ length: n }, (_, i) => at(i)), at(0)].join(' → ');
  return `${[at(0), at(1), at(2), at(3), '…', at(n - 2), at(n - 1), at(0)].join(' → ')} (${n} policies)`;
}
