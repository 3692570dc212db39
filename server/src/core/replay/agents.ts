import { DistinctSketch } from './sketch';
import type { AgentRest, AgentRow } from './types';

/**
 * Agents whose changes are counted one by one, at most, at a time. Up to this many agents with a
 * change, every count is exact; past it, the least changed agent so far makes room for the next
 * (docs/decisions/replay.md, "Many agents").
 */
export const AGENTS_TRACKED = 10_000;
/** Rows of `byAgent` in the report, the most changed first; the others are added up in one line. */
export const AGENTS_LISTED = 1_000;

interface Counter {
  agent: string;
  /** Changes counted for the agent since it was last given a counter. */
  changed: number;
  transitions: Record<string, number>;
  /** At most this many changes before it was given its counter may be its own (0: none). */
  uncounted: number;
  /** Its place in the heap, once there is one. */
  at: number;
}

/**
 * Changes per agent in bounded memory. Exact up to `tracked` agents; past them, a Space-Saving
 * summary (Metwally, Agrawal and El Abbadi, 2005): the counter with the fewest changes (counted
 * and uncounted) goes to the agent not yet tracked, whose own earlier changes, if any, are at most
 * that many. An agent with more than 1/`tracked` of the changes always keeps a counter. What a
 * counter held when it is given up goes to the rest, so each change is counted exactly once, in a
 * row or in the rest. The order of the pairs decides everything: the same events give the same report on
 * one thread or two.
 */
export class AgentCounts {
  private readonly byName = new Map<string, Counter>();
  /** A min-heap on changed + uncounted, built when the counters first run out. */
  private heap?: Counter[];
  private sketch?: DistinctSketch;
  private readonly rest = { changed: 0, transitions: {} as Record<string, number> };

  constructor(
    private readonly tracked = AGENTS_TRACKED,
    private readonly listed = AGENTS_LISTED,
  ) {}

  /** One changed event of `agent`, under its transition key. */
  add(agent: string, key: string): void {
    let c = this.byName.get(agent);
    if (!c) {
      if (this.byName.size < this.tracked) {
        c = { agent, changed: 0, transitions: {}, uncounted: 0, at: -1 };
        this.byName.set(agent, c);
      } else c = this.replace(agent);
    }
    c.changed++;
    c.transitions[key] = (c.transitions[key] ?? 0) + 1;
    if (this.heap) down(this.heap, c.at);
  }

  /** Gives the least changed counter to `agent`, its counts to the rest. */
  private replace(agent: string): Counter {
    if (!this.heap) {
      this.heap = [...this.byName.values()];
      this.heap.forEach((c, i) => (c.at = i));
      for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) down(this.heap, i);
      this.sketch = new DistinctSketch();
      for (const name of this.byName.keys()) this.sketch.add(name);
    }
    const c = this.heap[0];
    this.rest.changed += c.changed;
    addInto(this.rest.transitions, c.transitions);
    this.byName.delete(c.agent);
    c.uncounted += c.changed;
    c.changed = 0;
    c.transitions = {};
    c.agent = agent;
    this.byName.set(agent, c);
    this.sketch!.add(agent);
    return c;
  }

  /** The rows to list, and the rest when some agent is not listed or not exactly counted. */
  report(): { rows: AgentRow[]; rest?: AgentRest } {
    const all = [...this.byName.values()].sort(
      (a, b) => b.changed - a.changed || (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0),
    );
    const rows = all.slice(0, this.listed).map((c): AgentRow => ({
      agent: c.agent,
      changed: c.changed,
      ...(c.uncounted ? { uncounted: c.uncounted } : {}),
      transitions: { ...c.transitions },
    }));
    if (!this.heap && all.length <= this.listed) return { rows };
    const transitions = { ...this.rest.transitions };
    let changed = this.rest.changed;
    for (const c of all.slice(this.listed)) {
      changed += c.changed;
      addInto(transitions, c.transitions);
    }
    const rest: AgentRest = this.sketch
      ? {
          // More than `tracked` agents had a change, or no counter would have been given up.
          agents: Math.max(Math.round(this.sketch.estimate()), this.tracked + 1),
          estimated: true,
          changed,
          transitions,
          tracked: this.tracked,
        }
      : { agents: all.length, changed, transitions, tracked: this.tracked };
    return { rows, rest };
  }
}

function addInto(to: Record<string, number>, from: Record<string, number>): void {
  for (const k in from) to[k] = (to[k] ?? 0) + from[k];
}

const size = (c: Counter) => c.changed + c.uncounted;

/** Moves the counter at `i` down the heap until its children are no smaller. */
function down(heap: Counter[], i: number): void {
  const c = heap[i];
  const n = heap.length;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && size(heap[child + 1]) < size(heap[child])) child++;
    if (size(heap[child]) >= size(c)) break;
    heap[i] = heap[child];
    heap[i].at = i;
    i = child;
  }
  heap[i] = c;
  c.at = i;
}
