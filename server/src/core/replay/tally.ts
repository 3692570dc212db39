import type { Decision } from '../eval/types';
import { AgentCounts } from './agents';
import type { Outcome } from './outcome';
import type { ChangeCounts, ReplayExample, ReplayFinding, ReplayReport, TransitionReport } from './types';

const allowed = (d: Decision) => d === 'allow' || d === 'warn';
const zero = (): Record<Decision, number> => ({ allow: 0, warn: 0, require_approval: 0, block: 0 });

/** The key of a transition as reports print it: `allow → block`. */
export const transitionKey = (from: Decision, to: Decision) => `${from} → ${to}`;

/**
 * Adds up a replay, one event at a time, into the difference report. Memory stays bounded by what
 * the report holds (a few examples per transition, the first findings, one counter per policy that
 * changed, and at most `AGENTS_TRACKED` agents' counters: agents.ts), whatever the events.
 */
export class ReplayTally {
  private events = 0;
  private replayed = 0;
  private changed = 0;
  private newlyBlocked = 0;
  private newlyAllowed = 0;
  private readonly baseline = zero();
  private readonly current = zero();
  private readonly transitions = new Map<string, TransitionReport>();
  private readonly byPolicy = new Map<string, ChangeCounts>();
  private readonly byAgent = new AgentCounts();
  private readonly findings: ReplayFinding[] = [];
  private readonly findingCounts: Record<string, number> = {};
  private readonly examples: number;
  private readonly maxFindings: number;

  constructor(options: { examples?: number; maxFindings?: number } = {}) {
    this.examples = options.examples ?? 5;
    this.maxFindings = options.maxFindings ?? 100;
  }

  /** A line that held something, an event or not. */
  line(): void {
    this.events++;
  }

  finding(f: ReplayFinding): void {
    this.findingCounts[f.code] = (this.findingCounts[f.code] ?? 0) + 1;
    if (this.findings.length < this.maxFindings) this.findings.push(f);
  }

  /** One event decided by both sides. */
  pair(
    where: { line: number; file?: string },
    agent: string | undefined,
    before: Outcome,
    after: Outcome,
  ): void {
    this.replayed++;
    this.baseline[before.decision]++;
    this.current[after.decision]++;
    if (before.decision === after.decision) return;
    this.changed++;
    if (allowed(before.decision) && !allowed(after.decision)) this.newlyBlocked++;
    else if (!allowed(before.decision) && allowed(after.decision)) this.newlyAllowed++;
    const key = transitionKey(before.decision, after.decision);
    let t = this.transitions.get(key);
    if (!t) {
      t = { from: before.decision, to: after.decision, key, count: 0, examples: [] };
      this.transitions.set(key, t);
    }
    t.count++;
    if (t.examples.length < this.examples) {
      const example: ReplayExample = {
        ...(where.file !== undefined ? { file: where.file } : {}),
        line: where.line,
        ...(agent !== undefined ? { agent } : {}),
        baseline: before.deciding,
        current: after.deciding,
      };
      t.examples.push(example);
    }
    const policies = new Set([...before.deciding, ...after.deciding]);
    for (const p of policies) count(this.byPolicy, p, key);
    this.byAgent.add(agent ?? '(no agent)', key);
  }

  report(cancelled = false): ReplayReport {
    const named = <T extends ChangeCounts>(map: Map<string, T>) =>
      [...map].sort(([ka, a], [kb, b]) => b.changed - a.changed || compare(ka, kb));
    const agents = this.byAgent.report();
    return {
      events: this.events,
      replayed: this.replayed,
      changed: this.changed,
      newlyBlocked: this.newlyBlocked,
      newlyAllowed: this.newlyAllowed,
      decisions: { baseline: { ...this.baseline }, current: { ...this.current } },
      transitions: [...this.transitions.values()].sort((a, b) => b.count - a.count || compare(a.key, b.key)),
      byPolicy: named(this.byPolicy).map(([policy, c]) => ({ policy, ...c })),
      byAgent: agents.rows,
      ...(agents.rest ? { byAgentRest: agents.rest } : {}),
      findings: [...this.findings],
      findingCounts: { ...this.findingCounts },
      ...(cancelled ? { cancelled: true as const } : {}),
    };
  }
}

function count(map: Map<string, ChangeCounts>, name: string, key: string): void {
  let c = map.get(name);
  if (!c) {
    c = { changed: 0, transitions: {} };
    map.set(name, c);
  }
  c.changed++;
  c.transitions[key] = (c.transitions[key] ?? 0) + 1;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
