/**
 * A first test case for one policy: a plausible event derived from what the policy checks (an
 * injection pattern in the input, a cost above the cap, the fields a CEL expression compares), run
 * through the evaluator so that the expectation states what the policy does to it, never a guess.
 */
import { stringify } from 'yaml';
import { isObj, strings } from './context';
import { compilePolicies, evaluate, type CompiledPolicies } from './engine';
import type { EvalEvent, EvalResult, PolicySource } from './types';

/** The clock of a generated case: fixed, so the case gives the same result every day. */
export const SKELETON_AT = '2026-01-05T10:00:00Z';

const PII_SAMPLES: Record<string, string> = {
  ssn: 'my SSN is 123-45-6789',
  credit_card: 'my card is 4111 1111 1111 1111',
  email: 'write to jane.doe@example.com',
  phone: 'call me at +1 415 555 0100',
};

/** An event with its clock as seconds after SKELETON_AT (a sequence spaces its events out). */
type Draft = EvalEvent & { at?: number };

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Sets `a.b.c` of an event. */
function setPath(event: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = event;
  for (const p of parts.slice(0, -1))
    cur = (isObj(cur[p]) ? cur[p] : (cur[p] = {})) as Record<string, unknown>;
  cur[parts[parts.length - 1]] = value;
}

const LITERAL = String.raw`("[^"]*"|'[^']*'|-?\d+(?:\.\d+)?|true|false)`;
const FIELD = String.raw`([A-Za-z_][\w.]*)`;

function literal(text: string): unknown {
  if (/^["']/.test(text)) return text.slice(1, -1);
  if (text === 'true' || text === 'false') return text === 'true';
  return Number(text);
}

/** A value that makes `field op literal` true. */
function satisfy(op: string, v: unknown): unknown {
  if (typeof v === 'number') {
    const step = Number.isInteger(v) ? 1 : 0.5;
    return op === '>' ? v + step : op === '<' ? v - step : op === '!=' ? v + step : v;
  }
  if (op === '!=') return typeof v === 'string' ? `${v}-other` : !v;
  return v;
}

/** The fields a CEL expression compares with literals, each set so that the comparison holds. */
function celEvent(expression: string): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  // A macro's variable is an item of the list it ranges over (`tools.exists(t, t == "shell")`):
  // the comparison makes an item of that list, not a field named `t` (a field test).
  const bound = new Map<string, string>();
  for (const m of expression.matchAll(
    new RegExp(`${FIELD}\\.(?:exists|exists_one|all|filter|map)\\(\\s*(\\w+)\\s*,`, 'g'),
  ))
    bound.set(m[2], m[1]);
  for (const m of expression.matchAll(new RegExp(`${FIELD}\\s*(>=|<=|==|!=|>|<)\\s*${LITERAL}`, 'g'))) {
    const list = bound.get(m[1]);
    if (list !== undefined) {
      if (m[2] === '==') setPath(event, list, [literal(m[3])]);
      continue;
    }
    if (bound.has(m[1].split('.')[0])) continue;
    setPath(event, m[1] === 'cost' ? 'cost' : m[1], satisfy(m[2], literal(m[3])));
  }
  for (const m of expression.matchAll(
    new RegExp(`${FIELD}\\.(contains|startsWith|endsWith)\\(${LITERAL}\\)`, 'g'),
  ))
    setPath(event, m[1], String(literal(m[3])));
  for (const m of expression.matchAll(new RegExp(`${LITERAL}\\s+in\\s+${FIELD}`, 'g')))
    setPath(event, m[2], [literal(m[1])]);
  return event;
}

/** The event of an Execlave bundle, from its `policyType` and `ruleDefinition`. */
function execlaveEvents(v: Record<string, unknown>): Draft[] {
  const rule = isObj(v.ruleDefinition) ? v.ruleDefinition : isObj(v.config) ? v.config : {};
  const agents = strings(v.appliesToAgents);
  const base: EvalEvent = {
    input: 'Summarise the quarterly report',
    ...(agents.length ? { agentId: agents[0] } : {}),
  };
  const one = (more: Record<string, unknown>): Draft[] => [{ ...base, ...more } as Draft];
  switch (v.policyType) {
    case 'expression':
      return one(celEvent(typeof rule.expression === 'string' ? rule.expression : ''));
    case 'injection_scan': {
      const pattern = strings(rule.patterns)[0] ?? 'ignore previous instructions';
      return rule.scan_input === false
        ? one({ output: `Sure: ${pattern}`, phase: 'post' })
        : one({ input: `Please ${pattern} and continue` });
    }
    case 'pii_access':
    case 'pii_detection': {
      const types = strings(rule.denied_pii_types ?? rule.types ?? rule.pii_types);
      const sample = types.map((t) => PII_SAMPLES[t]).find(Boolean) ?? PII_SAMPLES.ssn;
      return one({ input: `Please update my account: ${sample}` });
    }
    case 'cost_limit': {
      const cap = num(rule.max_cost_per_execution) ?? num(rule.daily_budget) ?? 1;
      return one({ estimatedCost: cap + 1 });
    }
    case 'budget_cap':
      return one({ estimatedCost: (num(rule.monthly_cap_usd) ?? 100) + 1 });
    case 'rate_limit': {
      const max = num(rule.maxRequestsPerMinute) ?? num(rule.maxRequestsPerHour) ?? 1;
      const n = Math.min(Math.max(1, Math.trunc(max)) + 1, 50);
      return Array.from({ length: n }, (_x, i) => ({ ...base, at: i }));
    }
    case 'tool_invocation': {
      const deny = strings(rule.deny);
      return one({ tools: [deny[0] ?? 'an-unlisted-tool'] });
    }
    case 'tool_call':
      return one({ tools: [strings(rule.tools)[0] ?? 'a-tool'] });
    case 'custom_validator':
      return one({
        validators: { [typeof rule.validatorId === 'string' ? rule.validatorId : 'validator']: 'deny' },
      });
    default:
      return one({ signals: { [String(v.policyType)]: 0.99 } });
  }
}

function eventsFor(source: PolicySource, compiled: CompiledPolicies): Draft[] {
  const v = isObj(source.value) ? source.value : {};
  if (source.dialect === 'execlave') return execlaveEvents(v);
  if (source.dialect === 'preloop') {
    const tool = compiled.preloop.find((d) => d.source === source.uri)?.tools[0]?.name ?? 'a_tool';
    return [{ tool: { name: tool, arguments: {} } }];
  }
  const policy = compiled.sentinel.find((p) => p.source === source.uri);
  const action = policy?.config.denied[0] ?? policy?.config.allowed?.[0] ?? 'send_email';
  const target = policy?.targetId;
  return [
    {
      action,
      args: {},
      cost_usd: 0.01,
      run_id: policy?.scope === 'run' && target ? target : 'run-1',
      session_id: 'session-1',
      ...(policy?.scope === 'agent' && target ? { agent_id: target } : {}),
    },
  ];
}

export interface SuggestedCase {
  name: string;
  /** One event (`event`) or a sequence (`events`), each with its clock. */
  event?: Record<string, unknown>;
  events?: Record<string, unknown>[];
  expect: { decision: string; fired?: string[]; notFired?: string[] };
  /** False when the derived event does not make the policy fire (the author should edit it). */
  fires: boolean;
}

const VERB: Record<string, string> = {
  block: 'blocks the request',
  require_approval: 'asks for approval',
  warn: 'lets the request through with a warning',
  allow: 'lets the request through',
};

/**
 * A test case for the policy of `source`, with the expectation the evaluator gives it today. The
 * `context` is what the case runs against besides it (a chain's prerequisites live in other files).
 */
export function suggestTestCase(source: PolicySource, context: readonly PolicySource[] = []): SuggestedCase {
  const others = context.filter((s) => s.uri !== source.uri);
  const compiled = compilePolicies([source, ...others]);
  const own = compilePolicies([source]);
  const events = eventsFor(source, own);
  let state;
  let last: EvalResult | undefined;
  const start = Date.parse(SKELETON_AT);
  const timed = events.map(({ at, ...e }) => ({
    ...e,
    at: at === undefined ? SKELETON_AT : new Date(start + at * 1000).toISOString().replace('.000Z', 'Z'),
  }));
  for (const e of timed) {
    const r = evaluate(compiled, { ...e, timestamp: e.at } as EvalEvent, state);
    state = r.state;
    last = r.result;
  }
  const name = policyName(source, own);
  // The policy's own lines of the trace (a Preloop tool's, an Agent Sentinel check's).
  const mine = (last?.trace ?? []).filter(
    (t) => t.source === source.uri || t.source.split(' + ').includes(name),
  );
  const fired = [...new Set(mine.filter((t) => t.status === 'fired').map((t) => t.policy))];
  const decision = last?.decision ?? 'allow';
  const fires = fired.length > 0;
  return {
    name: fires
      ? `${name} ${VERB[decision] ?? decision}`
      : `${name}: edit this event so that the policy fires`,
    ...(timed.length === 1 ? { event: timed[0] } : { events: timed }),
    expect: { decision, ...(fires ? { fired } : {}) },
    fires,
  };
}

/** The policy's name as the trace shows it (a Preloop document's, a callguard file's). */
export function policyName(source: PolicySource, compiled = compilePolicies([source])): string {
  return compiled.execlave[0]?.name ?? compiled.preloop[0]?.name ?? compiled.sentinel[0]?.name ?? source.uri;
}

/** A case as an item of a YAML `cases:` list, each line indented by `indent`. */
export function caseYaml(c: SuggestedCase, indent: string): string {
  const { fires, ...data } = c;
  const body = stringify(data, { lineWidth: 0 }).trimEnd().split('\n');
  const lines = body.map((l, i) => `${indent}${i === 0 ? '- ' : '  '}${l}`);
  if (!fires)
    lines.unshift(`${indent}# The event does not make the policy fire yet: edit it, then the expectation.`);
  return lines.join('\n') + '\n';
}

/** A new test file for one policy: `policies:` pointing at it (relative), and one case. */
export function testFileYaml(c: SuggestedCase, policyPath: string, name: string): string {
  return [
    `# Tests of ${name}: \`policylens test\` runs them, and so does the editor's Test Explorer.`,
    `policies: ${/^[\w./-]+$/.test(policyPath) ? policyPath : JSON.stringify(policyPath)}`,
    'cases:',
    caseYaml(c, '  '),
  ].join('\n');
}
