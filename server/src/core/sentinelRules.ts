/**
 * The finding codes of Agent Sentinel (platform policies and callguard.yaml), part of the
 * catalogue in rules.ts, which places them in its order.
 */
import type { RuleInfo } from './rules';

export const SENTINEL_RULES = {
  'agentsentinel/allowed-and-denied': {
    severity: 'warning',
    summary:
      'An action listed both in `allowed_actions` and in `denied_actions` (in the platform policy or in callguard.yaml)',
  },
  'agentsentinel/approval-without-require': {
    severity: 'warning',
    summary:
      'An `approval_*` key (actions, tags, risk levels, threshold, timeout, approvers, rules) set while `require_approval` is false or absent',
  },
  'agentsentinel/empty-allowlist': {
    severity: 'warning',
    summary:
      '`allowed_actions: []`: in callguard.yaml it refuses every action, in a platform policy it allows every action that is not denied',
  },
  'agentsentinel/empty-range': {
    severity: 'warning',
    summary: 'An argument constraint whose `minimum` is greater than its `maximum`',
  },
  'agentsentinel/invalid-pattern': {
    severity: 'error',
    summary:
      'An argument constraint `pattern` that is no regular expression (`([a-z`, `[z-a]`): the constraint cannot be checked',
  },
  'agentsentinel/pattern-backtracking': {
    severity: 'warning',
    summary:
      'An argument constraint `pattern` with a nested quantifier (`(a+)+`), which a backtracking engine can take exponential time to match',
  },
  'agentsentinel/rate-limit-without-max': {
    severity: 'warning',
    summary: 'An entry of `rate_limits` (platform policy or callguard.yaml) without `max_count`',
  },
  'agentsentinel/scope-without-target': {
    severity: 'warning',
    summary: 'A `scope` other than `global` without a `target_id`',
  },
  'agentsentinel/undeclared-action': {
    severity: 'warning',
    summary:
      'An action named in `evidence_requirements`, `evidence_max_age_seconds` or `grounding_rules` (as a key or a `source_action`) that no action list or per-action map declares',
  },
  'agentsentinel/unknown-key': {
    severity: 'warning',
    summary: 'A key the Agent Sentinel platform policy does not document',
  },
  'agentsentinel/unsupported-constraint': {
    severity: 'warning',
    summary:
      "A keyword in `argument_constraints` that the SDK's checker does not read: anything but `required` and `properties` on an action, anything but `type`, `minimum`, `maximum`, `enum` and `pattern` on a property",
  },
  'callguard/flat-key': {
    severity: 'warning',
    summary:
      'A platform-style flat key (`session_budget`, `run_budget`, `action_budgets`, `evidence_requirements`, `evidence_max_age_seconds`, `commit_actions`, `evidence_actions`, `argument_constraints`, `grounding_rules`) at the top of callguard.yaml',
  },
  'callguard/ignored-key': {
    severity: 'warning',
    summary:
      'A platform-only key in callguard.yaml: approval keys (`require_approval`, `approval_*`), `scope`, `target_id`, `name`, `description`, `enabled`',
  },
  'callguard/unknown-key': {
    severity: 'warning',
    summary: 'A key callguard.yaml does not have, at the top or inside `budgets` and `evidence`',
  },
} as const satisfies Record<string, RuleInfo>;
