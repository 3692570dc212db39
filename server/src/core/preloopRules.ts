/**
 * The finding codes of Preloop policy documents, part of the catalogue in rules.ts, which places
 * them in its order.
 */
import type { RuleInfo } from './rules';

export const PRELOOP_RULES = {
  'preloop/ai-model-required': {
    severity: 'error',
    summary: 'An approval workflow with `approval_type: ai_driven` and no `ai_model`',
  },
  'preloop/cel-upgrade': {
    severity: 'info',
    summary:
      'A condition without `condition_type: cel` whose expression Preloop will treat as CEL when applying: it calls a function (`contains(`, `startsWith(`, `size(`, …), uses ` in `, `&&`, `||`, `?`, `[`, `{` or a `!` that is not `!=`',
  },
  'preloop/conditions-without-workflow': {
    severity: 'warning',
    summary:
      'A tool with `conditions` but no `approval_workflow` (or a `model_io` rule that requires approval without a workflow)',
  },
  'preloop/custom-pattern-name': {
    severity: 'error',
    summary:
      'A `sensitive_data.detectors.custom_patterns[].name` that does not match `^[a-z][a-z0-9_]{0,63}$` or shadows a built-in PII type',
  },
  'preloop/custom-pattern-regex': {
    severity: 'error',
    summary:
      'A custom pattern `regex` that Preloop does not accept: a back-reference (`\\1`, `(?P=name)`) or no regular expression at all',
  },
  'preloop/detector-not-configured': {
    severity: 'warning',
    summary:
      'A `model_io` condition that reads `pii.*`, `injection.*` or `moderation.*` while its rule does not switch that detector on: the result never changes, so the condition never matches as written',
  },
  'preloop/duplicate-name': {
    severity: 'error',
    summary:
      'Two MCP servers, two approval workflows, two `model_io` rules or two `sensitive_data` rules with the same name or id',
  },
  'preloop/empty-expression': {
    severity: 'error',
    summary: 'A condition whose `expression` is empty or only whitespace',
  },
  'preloop/escalate-without-workflow': {
    severity: 'warning',
    summary:
      'An AI-driven workflow whose fallback is `escalate` (the default) but that has no `escalation_workflow`',
  },
  'preloop/ignored-key': {
    severity: 'warning',
    summary: 'A key Preloop does not know, anywhere in the document',
  },
  'preloop/redact-upstream': {
    severity: 'error',
    summary: 'A `sensitive_data` rule with `redact_upstream: true` whose action is not `redact`',
  },
  'preloop/regex-nested-quantifier': {
    severity: 'error',
    summary: 'A custom pattern with a quantified group that contains a quantifier, such as `(EMP-\\d+)+`',
  },
  'preloop/restrictive-default': {
    severity: 'warning',
    summary:
      '`defaults.unknown_tools` other than `allow`, `require_approval_for_new_tools: true`, or any `default_approval_workflow`',
  },
  'preloop/simple-condition': {
    severity: 'error',
    summary:
      'A simple Preloop condition that is not `path op literal`: `args.amount = 100` (a `=` for `==`), a bare `pii.found`, two comparisons joined by `and`',
  },
  'preloop/unknown-pii-type': {
    severity: 'error',
    summary:
      "A PII type in `detectors.pii.types`, `sensitive_data.detectors.types` or a `sensitive_data` rule's `types` that is neither built-in nor a declared custom pattern or keyword list",
  },
  'preloop/unknown-server': {
    severity: 'error',
    summary:
      'A tool whose `source` is neither `builtin`, `mcp`, `http`, `agent` nor the name of an MCP server declared under `mcp_servers` (names match case-insensitively)',
  },
  'preloop/unknown-workflow': {
    severity: 'error',
    summary:
      "A tool's `approval_workflow`, a workflow's `escalation_workflow`, `defaults.default_approval_workflow`, or a `model_io`/`sensitive_data` rule's `approval_workflow` that names no workflow declared in the same document",
  },
  'preloop/version-float': {
    severity: 'error',
    summary:
      'A Preloop document whose `version` is the number `1.0` (or any number) instead of the string `"1.0"`',
  },
} as const satisfies Record<string, RuleInfo>;
