/**
 * The evaluator's data: what goes in (policies, an event, the state) and what comes out (a
 * decision and its trace). Everything is plain JSON-able data, so the CLI prints it, the language
 * server sends it and a test compares it with a fixture.
 */

/** One policy file as the front end read it: the parsed value and the dialect it was detected as. */
export interface PolicySource {
  /** Where it came from (a path or a URI); the trace names it. */
  uri: string;
  /** A dialect id of core/dialects: `execlave`, `preloop`, `agentsentinel`, `callguard`. */
  dialect: string;
  value: unknown;
  /**
   * Set when the prerequisites were resolved against the live org (core/replay/live.ts): an id
   * still among them is no policy of the org, a missing prerequisite, not one left unresolved.
   */
  liveIds?: boolean;
}

/**
 * One request to decide on. The Execlave fields are the enforce request body (reference §1.10);
 * `tool` is a Preloop tool call; `action`, `args`, `cost_usd`, `run_id`, `session_id` are an
 * Agent Sentinel guarded action. `schemas/policylens/event.schema.json` documents each field.
 */
export interface EvalEvent {
  agentId?: string;
  agentName?: string;
  orgId?: string;
  input?: string;
  output?: string;
  phase?: 'pre' | 'post';
  environment?: string;
  metadata?: Record<string, unknown>;
  estimatedCost?: number;
  cost?: number;
  tools?: string[];
  toolOutputs?: { name: string; input?: unknown; output: unknown }[];
  tool?: { name: string; arguments?: Record<string, unknown>; source?: string; result?: unknown };
  model?: { id?: string; provider?: string; name?: string };
  request?: { text?: string };
  response?: { text?: string };
  action?: string;
  args?: Record<string, unknown>;
  result?: unknown;
  cost_usd?: number;
  run_id?: string;
  session_id?: string;
  agent_id?: string;
  tags?: string[];
  risk_level?: string;
  /** ISO-8601 or Unix seconds: the event's clock (a test sets it with `at:`). */
  timestamp?: string | number;
  /** Verdicts of detectors whose behaviour is not public: `{prompt_injection: 0.93}`. */
  signals?: Record<string, unknown>;
  /** The answers of custom validators by `validatorId`: `allow` or `deny`. */
  validators?: Record<string, string>;
}

export type EvalDialect = 'execlave' | 'preloop' | 'agentsentinel';

export type Status = 'fired' | 'passed' | 'skipped' | 'not applicable' | 'not evaluated';

/** What a fired policy does to the request (an Execlave mode, a Preloop action, a Sentinel verdict). */
export type Effect = 'block' | 'require_approval' | 'warn' | 'monitor' | 'log_only' | 'allow' | 'redact';

/** One line of the trace: one policy (or one Agent Sentinel check) in evaluation order. */
export interface TraceEntry {
  dialect: EvalDialect;
  /** The policy's name (Execlave `name`, Preloop `tool name` or rule id, Sentinel check). */
  policy: string;
  /** Execlave `policyType`, Preloop `tool` / `model_io` / `sensitive_data`, Sentinel check id. */
  type: string;
  source: string;
  status: Status;
  /** Why (`prerequisite "x" violated`, `agent`, `behaviour not public`). */
  reason?: string;
  /** What the policy does when it fired (block, require_approval, warn, …). */
  effect?: Effect;
  message?: string;
  /** Where the sources are silent: the documented choice this entry depended on. */
  assumption?: string;
  /** Agent Sentinel's `error_code`, `reason_code` and remediation details. */
  errorCode?: string;
  reasonCode?: string;
  details?: Record<string, unknown>;
  /** A warning that does not fire the policy (a budget past its warning threshold). */
  warning?: string;
}

/** A violation as the Execlave SDK's `EnforceResult` carries it (reference §1.10). */
export interface Violation {
  policyName: string;
  policyType: string;
  enforcementMode: string;
  message: string;
}

export type Decision = 'allow' | 'warn' | 'require_approval' | 'block';

export interface EvalResult {
  decision: Decision;
  /** The SDK's `EnforceResult` fields. */
  allowed: boolean;
  requiresApproval: boolean;
  violations: Violation[];
  warnings: Violation[];
  /** The approval workflow a Preloop `require_approval` names, when it does. */
  approvalWorkflow?: string;
  /** The Execlave policies the chain skipped, with why (`prerequisite "x" violated`). */
  skippedByChain?: { policy: string; reason: string }[];
  trace: TraceEntry[];
  /** The clock the event was evaluated at, ISO-8601. */
  at: string;
}
