/**
 * Replay's data: what goes in (lines of recorded traffic), what comes out (the difference between
 * two policy sets' decisions on the same traffic). Plain JSON-able data, so the CLI prints it, a
 * worker thread posts it and a fixture compares it.
 */
import type { Decision } from '../eval/types';
import type { FindingCode } from '../rules';

/**
 * One recorded event: its text (a JSON Lines line) or an already parsed value, its line and, when
 * the traffic spans several files, the file (findings and examples name it).
 */
export type ReplayInput = ({ line: number; text: string } | { line: number; value: unknown }) & {
  file?: string;
};

/** A problem with one line of the input. Replay never stops on one: it reports it and goes on. */
export interface ReplayFinding {
  file?: string;
  line: number;
  code: FindingCode;
  message: string;
}

/** A decision change, `from` the baseline `to` the working tree. */
export interface Transition {
  from: Decision;
  to: Decision;
}

/** One changed event, as the report shows it. */
export interface ReplayExample {
  file?: string;
  /** The event's line in the input (1-based). */
  line: number;
  agent?: string;
  /** The policies that decide on each side: those whose effect is the decision. */
  baseline: string[];
  current: string[];
}

export interface TransitionReport extends Transition {
  /** `allow → block`. */
  key: string;
  count: number;
  /** The first examples, by line. */
  examples: ReplayExample[];
}

/** Changes counted by transition key (`allow → block`), for one policy or one agent. */
export interface ChangeCounts {
  changed: number;
  transitions: Record<string, number>;
}

/** The changes of one agent. */
export interface AgentRow extends ChangeCounts {
  agent: string;
  /**
   * Set when the agent's changes were counted from some point on only (more agents changed than
   * are counted at a time): up to this many changes before it may be its own, counted in the rest.
   */
  uncounted?: number;
}

/** The changes no `byAgent` row counts. */
export interface AgentRest extends ChangeCounts {
  /** Agents with a change in all, listed or not: exact, or an estimate (about 2%) when `estimated`. */
  agents: number;
  estimated?: true;
  /** The most agents whose changes are counted one by one at a time. */
  tracked: number;
}

export interface ReplayReport {
  /** Lines that held something (blank lines are not counted). */
  events: number;
  /** Events run through both policy sets. */
  replayed: number;
  /** Events whose decision differs. */
  changed: number;
  /** Allowed by the baseline (allow, warn), not by the working tree (block, require_approval). */
  newlyBlocked: number;
  /** Not allowed by the baseline, allowed by the working tree. */
  newlyAllowed: number;
  decisions: { baseline: Record<Decision, number>; current: Record<Decision, number> };
  /** Most frequent first, then by key. */
  transitions: TransitionReport[];
  /** Every policy that decides on either side of a changed event, most changes first. */
  byPolicy: ({ policy: string } & ChangeCounts)[];
  /**
   * Per agent, most changes first: every agent with a change, or the first `AGENTS_LISTED` when
   * `byAgentRest` is set (core/replay/agents.ts).
   */
  byAgent: AgentRow[];
  /** Set when `byAgent` does not list every agent with a change, or does not count them exactly. */
  byAgentRest?: AgentRest;
  /** The first findings, by line; `findingCounts` counts all of them. */
  findings: ReplayFinding[];
  findingCounts: Record<string, number>;
  /** Set when the run was cancelled: the report covers the events before. */
  cancelled?: true;
}

export interface ReplayOptions {
  /** Examples kept per transition (default 5). */
  examples?: number;
  /** Findings kept in the report (default 100); every one is counted. */
  maxFindings?: number;
  /**
   * Decide every event with `evaluate`, one side after the other, never in two stages
   * (core/replay/split.ts): the reference the two-stage replay is tested against.
   */
  classic?: boolean;
  /** An `AbortSignal` (or anything with `aborted`): the run stops at the next event. */
  signal?: { readonly aborted: boolean };
}
