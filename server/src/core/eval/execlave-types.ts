import { CelFailure, compileCel, celValue } from './cel';
import { isObj, num, pick, str, strings, type EventContext, type Obj } from './context';
import { budgetCap, costLimit, rateLimit } from './execlave-limits';
import { detectable, detectPii, maskPii } from './pii';
import type { ExeclavePolicyState } from './state';

/** What one policy's rule says about one event, before the chain and the mode are applied. */
export interface RuleOutcome {
  fired: boolean;
  message?: string;
  /** Set when the rule could not be evaluated; the policy then neither fires nor passes. */
  notEvaluated?: string;
  /** Set when the rule does not concern this event (a `tool_invocation` for another agent). */
  notApplicable?: string;
  assumption?: string;
  warning?: string;
  details?: Record<string, unknown>;
}

/** What a policy keeps in the state once the request went through. */
export type Tracks = { spend?: 'day' | 'month'; requests?: boolean; resetDay?: number };

export interface CompiledRule {
  /**
   * The rule's verdict on one event. With `quiet`, the caller wants the verdict only (replay
   * compares decisions): a rule may then leave `message` out, never `warning` (a warning decides).
   */
  evaluate(
    ctx: EventContext,
    state: ExeclavePolicyState | undefined,
    vars: () => Record<string, unknown>,
    quiet?: boolean,
  ): RuleOutcome;
  /**
   * What the policy keeps in the state, when it keeps any. A rule that keeps state reads only
   * `ctx.atMs` and `ctx.cost` of the event (replay decides such rules apart from the event's other
   * fields, core/replay/combine.ts); a rule without it never reads its state.
   */
  tracks?: Tracks;
}

const NOT_PUBLIC = 'behaviour not public';

function bool(v: unknown, fallback: boolean): boolean {
  return typeof v === 'boolean' ? v : fallback;
}

/** A detector verdict from the event's `signals`, by policy name first, then by policy type. */
function signal(ctx: EventContext, name: string, type: string): unknown {
  const s = ctx.event.signals;
  if (!isObj(s)) return undefined;
  return s[name] !== undefined ? s[name] : s[type];
}

/** A signal as a verdict: a boolean, or a score compared with a threshold. */
function signalVerdict(value: unknown, threshold: number): { fired: boolean; message: string } | undefined {
  if (typeof value === 'boolean')
    return { fired: value, message: `the detector signal says ${value ? 'violated' : 'clean'}` };
  const n = num(value);
  if (n === undefined) return undefined;
  return {
    fired: n >= threshold,
    message: `detector score ${n} ${n >= threshold ? '≥' : '<'} threshold ${threshold}`,
  };
}

function fromSignal(name: string, type: string, threshold: number, assumption?: string): CompiledRule {
  return {
    evaluate(ctx) {
      const verdict = signalVerdict(signal(ctx, name, type), threshold);
      if (!verdict) return { fired: false, notEvaluated: `${NOT_PUBLIC}; no "${type}" signal in the event` };
      return { ...verdict, ...(assumption ? { assumption } : {}) };
    },
  };
}

function expression(rule: Obj): CompiledRule {
  const source = str(rule.expression);
  if (source === undefined || !source.trim())
    return {
      evaluate: () => ({ fired: true, message: 'the policy has no expression; evaluated as a violation' }),
    };
  const program = compileCel(source, 'execlave');
  const isTrue: RuleOutcome = { fired: true, message: `expression is true: ${source}` };
  const isFalse: RuleOutcome = { fired: false, message: `expression is false: ${source}` };
  return {
    evaluate(_ctx, _state, vars) {
      if (!program.ok)
        return { fired: true, message: `${program.error}; an expression that cannot run is a violation` };
      const value = program.run(vars());
      if (value === true) return isTrue;
      if (value === false) return isFalse;
      if (value instanceof CelFailure)
        return {
          fired: true,
          message: `evaluation error: ${value.error}; an evaluation error is a violation`,
        };
      return {
        fired: true,
        message: `the expression returned ${celValue(value)}, not a boolean; evaluated as a violation`,
      };
    },
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function injectionScan(rule: Obj): CompiledRule {
  const patterns = strings(rule.patterns).filter((p) => p);
  const lower = patterns.map((p) => p.toLowerCase());
  // One case-insensitive search for all patterns; the match names the pattern that hit.
  const any = patterns.length ? new RegExp(patterns.map(escapeRegExp).join('|'), 'i') : undefined;
  const scanInput = bool(pick(rule, 'scan_input', 'scanInput'), true);
  const scanOutput = bool(pick(rule, 'scan_output', 'scanOutput'), true);
  const defaulted =
    pick(rule, 'scan_input', 'scanInput') === undefined ||
    pick(rule, 'scan_output', 'scanOutput') === undefined;
  const assumption = defaulted ? 'scan_input / scan_output default to true when absent' : undefined;
  const where = [scanInput ? 'input' : '', scanOutput ? 'output' : ''].filter(Boolean);
  const clean: RuleOutcome = {
    fired: false,
    message: `no pattern in ${where.join(' or ') || 'nothing scanned'}`,
    ...(assumption ? { assumption } : {}),
  };
  const hit = (field: string, text: string | undefined): RuleOutcome | undefined => {
    const m = text && any ? any.exec(text) : null;
    if (!m) return undefined;
    const i = lower.indexOf(m[0].toLowerCase());
    return {
      fired: true,
      message: `${field} contains "${patterns[i >= 0 ? i : 0]}"`,
      ...(assumption ? { assumption } : {}),
    };
  };
  return {
    evaluate(ctx) {
      return (
        (scanInput ? hit('input', ctx.event.input) : undefined) ??
        (scanOutput ? hit('output', ctx.event.output) : undefined) ??
        clean
      );
    },
  };
}

const DEFAULT_PII = ['ssn', 'credit_card', 'email', 'phone'];

function piiRule(types: string[], assumption: string | undefined, maskOutput: boolean): CompiledRule {
  const known = types.filter(detectable);
  const unknown = types.filter((t) => !detectable(t));
  const note = [
    assumption,
    unknown.length
      ? `no built-in detector for ${unknown.join(', ')}; those types are read from signals.pii`
      : '',
  ]
    .filter(Boolean)
    .join('; ');
  return {
    evaluate(ctx, _state, _vars, quiet) {
      if (quiet) return quietPii(ctx, known, types);
      const found: string[] = [];
      const details: Record<string, unknown> = {};
      for (const [field, text] of [
        ['input', ctx.event.input],
        ['output', ctx.event.output],
      ] as const) {
        if (!text) continue;
        const matches = detectPii(text, known);
        for (const m of matches)
          if (!found.includes(`${field}: ${m.type}`)) found.push(`${field}: ${m.type}`);
        if (field === 'output' && maskOutput && matches.length) details.maskedOutput = maskPii(text, matches);
      }
      const signalled = isObj(ctx.event.signals) ? ctx.event.signals.pii : undefined;
      const signalTypes = isObj(signalled) ? strings(signalled.types_found) : strings(signalled);
      for (const t of signalTypes) if (types.includes(t) && !detectable(t)) found.push(`signal: ${t}`);
      const out: RuleOutcome = found.length
        ? { fired: true, message: `found ${found.join(', ')}` }
        : { fired: false, message: `no ${types.join(', ')} found` };
      if (note) out.assumption = note;
      if (Object.keys(details).length) out.details = details;
      return out;
    },
  };
}

const FOUND: RuleOutcome = { fired: true };
const NOT_FOUND: RuleOutcome = { fired: false };

/** The PII rule's verdict alone: the first type found decides, nothing is masked or listed. */
function quietPii(ctx: EventContext, known: readonly string[], types: readonly string[]): RuleOutcome {
  const { input, output } = ctx.event;
  if (input && detectPii(input, known).length) return FOUND;
  if (output && detectPii(output, known).length) return FOUND;
  const signalled = isObj(ctx.event.signals) ? ctx.event.signals.pii : undefined;
  const signalTypes = isObj(signalled) ? strings(signalled.types_found) : strings(signalled);
  for (const t of signalTypes) if (types.includes(t) && !detectable(t)) return FOUND;
  return NOT_FOUND;
}

function piiAccess(rule: Obj): CompiledRule {
  const types = strings(pick(rule, 'denied_pii_types', 'deniedPiiTypes'));
  return types.length
    ? piiRule(types, undefined, bool(rule.mask_output, false))
    : piiRule(DEFAULT_PII, `denied_pii_types is empty; checked for ${DEFAULT_PII.join(', ')}`, false);
}

function piiDetection(rule: Obj): CompiledRule {
  const flags: [string, string][] = [
    ['detectEmails', 'email'],
    ['detectSSNs', 'ssn'],
    ['detectCreditCards', 'credit_card'],
    ['detectPhoneNumbers', 'phone'],
  ];
  const listed = strings(pick(rule, 'types', 'pii_types'));
  const chosen = listed.length ? listed : flags.filter(([k]) => rule[k] === true).map(([, t]) => t);
  return chosen.length
    ? piiRule(chosen, undefined, false)
    : piiRule(DEFAULT_PII, `no detector is switched on; checked for ${DEFAULT_PII.join(', ')}`, false);
}

function toolInvocation(rule: Obj): CompiledRule {
  const allow = strings(rule.allow);
  const deny = strings(rule.deny);
  const agent = str(rule.agentId);
  return {
    evaluate(ctx) {
      if (agent && agent !== ctx.agentId)
        return { fired: false, notApplicable: `ruleDefinition.agentId is "${agent}"` };
      const tools = strings(ctx.event.tools);
      const denied = tools.filter((t) => deny.includes(t));
      if (denied.length)
        return { fired: true, message: `tool ${denied.map((t) => `"${t}"`).join(', ')} is on the deny list` };
      if (allow.length) {
        const unlisted = tools.filter((t) => !allow.includes(t));
        if (unlisted.length)
          return {
            fired: true,
            message: `tool ${unlisted.map((t) => `"${t}"`).join(', ')} is not on the allow list`,
            assumption:
              "an unlisted tool inherits the policy's default action, whose key is not public; it is treated as a violation",
          };
      }
      return {
        fired: false,
        message: tools.length ? 'every tool is allowed' : 'the request declares no tools',
      };
    },
  };
}

function toolCall(rule: Obj): CompiledRule {
  const listed = strings(rule.tools);
  return {
    evaluate(ctx) {
      const hit = strings(ctx.event.tools).filter((t) => listed.includes(t));
      const assumption =
        'tool_call fires when the request declares one of its tools (its rule is not public)';
      return hit.length
        ? { fired: true, message: `the request declares ${hit.map((t) => `"${t}"`).join(', ')}`, assumption }
        : { fired: false, message: 'none of its tools is declared', assumption };
    },
  };
}

function customValidator(rule: Obj): CompiledRule {
  const id = str(rule.validatorId) ?? '';
  const failMode = str(pick(rule, 'failMode', 'fail_mode')) ?? 'fail_closed';
  return {
    evaluate(ctx) {
      const answer = isObj(ctx.event.validators) ? ctx.event.validators[id] : undefined;
      if (answer === 'deny') return { fired: true, message: `validator "${id}" answered deny` };
      if (answer === 'allow') return { fired: false, message: `validator "${id}" answered allow` };
      // A failure (§1.7: "any other status = failure → fail mode") follows the fail mode too.
      if (answer !== undefined)
        return {
          fired: failMode !== 'fail_open',
          message: `validator "${id}" answered ${JSON.stringify(answer)}; ${failMode === 'fail_open' ? 'fail_open' : 'the fail mode is fail_closed'}`,
          assumption:
            'a validator answer other than allow or deny is treated as a failure, which follows the fail mode',
        };
      if (failMode === 'fail_open')
        return {
          fired: false,
          message: `no answer from validator "${id}"; fail_open`,
          assumption: 'the event supplies no answer',
        };
      return {
        fired: true,
        message: `no answer from validator "${id}"; the default fail mode is fail_closed`,
        assumption:
          'the event (or the test) supplies no validator answer: the validator is treated as failed',
      };
    },
  };
}

/** The rule of one `policyType`, compiled once (CEL included) per policy version. */
export function compileRule(policyType: string, rule: Obj, name: string): CompiledRule {
  switch (policyType) {
    case 'expression':
      return expression(rule);
    case 'injection_scan':
      return injectionScan(rule);
    case 'pii_access':
      return piiAccess(rule);
    case 'pii_detection':
      return piiDetection(rule);
    case 'cost_limit':
      return costLimit(rule);
    case 'budget_cap':
      return budgetCap(rule);
    case 'rate_limit':
      return rateLimit(rule);
    case 'tool_invocation':
      return toolInvocation(rule);
    case 'tool_call':
      return toolCall(rule);
    case 'custom_validator':
      return customValidator(rule);
    case 'prompt_injection':
      return fromSignal(
        name,
        policyType,
        num(rule.threshold) ?? 0.8,
        'a prompt-injection score comes from signals; fires at score ≥ threshold (default 0.8)',
      );
    case 'tool_output_scan':
    case 'tool_integrity':
    case 'action_approval':
      return fromSignal(
        name,
        policyType,
        num(rule.threshold) ?? 0.5,
        `${policyType} takes its verdict from signals (its behaviour is not public)`,
      );
    default:
      return {
        evaluate: () => ({ fired: false, notEvaluated: `unknown policy type ${JSON.stringify(policyType)}` }),
      };
  }
}
