/**
 * The catalogue of finding codes: every code the engine emits, with its default severity, a one-line
 * summary and its documentation page. A code that is not here does not type-check (`FindingCode`),
 * a page in docs/findings/ without an entry here (or the reverse) fails test/core/finding-docs, and
 * a project's configuration may only name codes from this table (`rules: {code: off|warning|error}`).
 *
 * The default severity is the one a finding is reported with when nothing is configured. A few
 * rules report a milder severity in a milder place (a legacy key inside `ruleDefinition` is a
 * warning, at the top level an error); the table holds the severity of the common case, which is
 * also what the documentation page says.
 */
import type { Severity } from './findings';

export interface RuleInfo {
  readonly severity: Severity;
  readonly summary: string;
}

export const RULES = {
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
  'cel/invalid-regex': {
    severity: 'error',
    summary:
      'A constant pattern of `matches` that is no regular expression (`input.matches("(unclosed")`): the call fails at every event',
  },
  'cel/not-boolean': {
    severity: 'error',
    summary: 'A CEL expression whose result is not a boolean (`cost * 2.0`, `size(input)`)',
  },
  'cel/output-before-post': {
    severity: 'info',
    summary: 'An Execlave expression that reads `output` but never looks at `phase`',
  },
  'cel/syntax': {
    severity: 'error',
    summary:
      'A CEL expression (an Execlave `expression` policy, a Preloop CEL condition) that does not parse',
  },
  'cel/too-long': {
    severity: 'warning',
    summary:
      'A CEL expression longer than 20,000 characters: it is neither parsed nor type-checked, so no other CEL finding is reported for it',
  },
  'cel/type': {
    severity: 'warning',
    summary:
      'A CEL type error: an error where it fails in every CEL evaluator (`cost > "1.0"`), a warning where evaluators differ (`cost + 1`, `phase == 1`)',
  },
  'cel/unknown-variable': {
    severity: 'warning',
    summary: "A variable that the product's documented CEL context does not have",
  },
  'chain/cycle': {
    severity: 'error',
    summary:
      'Prerequisites that go round in a circle across the workspace: `A` waits for `B`, `B` for `C`, and `C` for `A`',
  },
  'chain/duplicate-name': {
    severity: 'error',
    summary: 'Two or more bundles of the workspace with the same `name`',
  },
  'chain/inactive-prerequisite': {
    severity: 'warning',
    summary:
      'A prerequisite that names a policy with `isActive: false` (a bundle of the workspace, or a live policy of the connected org)',
  },
  'chain/missing-prerequisite': {
    severity: 'warning',
    summary:
      'A prerequisite that names no bundle of the workspace: a typo, a policy that was renamed or deleted, or a live policy id that the connected org says does not exist',
  },
  'chain/name-normalization': {
    severity: 'warning',
    summary:
      'Bundles whose names are the same letters in different Unicode forms (`Café` as one code point or as `e` and a combining accent): two policies that look like one',
  },
  'chain/self-reference': { severity: 'error', summary: 'A policy names itself as a prerequisite' },
  'chain/trigger-without-prerequisites': {
    severity: 'warning',
    summary: '`chainTrigger` is `any_violated` or `always` but the policy has no prerequisites',
  },
  'chain/unresolved-prerequisite': {
    severity: 'info',
    summary:
      "A prerequisite written as a live policy id (a UUID) while no live org is connected, or before the org's policies have been listed",
  },
  'json/syntax': {
    severity: 'error',
    summary: 'The JSON does not parse (a missing comma, a comment, an unterminated string)',
  },
  'legacy/key': {
    severity: 'error',
    summary:
      'A key of the earlier API generation: `config` (now `ruleDefinition`), `agentIds` (now `appliesToAgents`), `active` (now `isActive`); in rules, camelCase keys such as `maxCostPerDay` (a warning there)',
  },
  'legacy/value': {
    severity: 'error',
    summary: 'A value of the earlier API generation: `hard_block` (now `block`), `log` (now `log_only`)',
  },
  'parse/binary': { severity: 'error', summary: 'The file contains NUL bytes: it is not a text file' },
  'parse/duplicate-key': { severity: 'error', summary: 'The same key appears twice in one mapping' },
  'parse/empty': { severity: 'error', summary: 'The file is empty, or holds only comments' },
  'parse/encoding': {
    severity: 'error',
    summary:
      'The bytes are not valid UTF-8; invalid bytes were replaced with U+FFFD so the rest could be analysed',
  },
  'parse/lone-surrogate': {
    severity: 'error',
    summary:
      'A string escapes half of a UTF-16 surrogate pair (`"\\ud800"`): it is not Unicode text, and servers store it as U+FFFD or refuse it',
  },
  'parse/unknown-dialect': {
    severity: 'error',
    summary: 'A `# policylens: dialect=` comment names no dialect',
  },
  'parse/nul-character': {
    severity: 'error',
    summary:
      'A string that holds a NUL character written as an escape (`"\\u0000"`, YAML `"\\0"`): the live org refuses it',
  },
  'parse/root-not-mapping': {
    severity: 'error',
    summary: 'The document is a list or a scalar instead of a mapping of fields',
  },
  'parse/too-deep': { severity: 'error', summary: 'The document nests more than 400 levels deep' },
  'parse/too-large': { severity: 'error', summary: 'The file is larger than 4 MB' },
  'parse/too-many-findings': {
    severity: 'error',
    summary: 'The file has more than 1,000 findings: only the first 1,000 are reported',
  },
  'policytest/event-and-events': {
    severity: 'error',
    summary: 'A case of a policy test file with both `event` and `events`, or with neither',
  },
  'policytest/policies-not-found': {
    severity: 'error',
    summary:
      "A policy test file's `policies:` names a path that does not exist, or a policy file there that does not parse",
  },
  'policytest/unknown-policy': {
    severity: 'warning',
    summary:
      'A name in `expect.fired`, `notFired` or `skipped` of a policy test that no policy the file runs against carries',
  },
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
  'replay/invalid-event': {
    severity: 'error',
    summary:
      'A line of recorded traffic that is JSON but no event (not an object, or a field of the wrong type): it is not replayed',
  },
  'replay/invalid-timestamp': {
    severity: 'warning',
    summary:
      'An event whose timestamp gives no clock (it takes the clock of the event before it) or reads as a date millennia ahead (Unix milliseconds where seconds are expected)',
  },
  'replay/line-too-long': {
    severity: 'error',
    summary:
      'A line of recorded traffic longer than 8 MiB: it is not read (its bytes are counted and skipped) nor replayed',
  },
  'replay/malformed-line': {
    severity: 'error',
    summary: 'A line of recorded traffic that is not JSON: it is not replayed',
  },
  'replay/out-of-order': {
    severity: 'warning',
    summary:
      'An event whose timestamp is earlier than the one before it: it is replayed where it stands, in file order',
  },
  'replay/truncated-input': {
    severity: 'error',
    summary:
      'A recorded traffic file that ends early (a gzip stream cut short): the events after the cut are lost',
  },
  'replay/unknown-field': {
    severity: 'warning',
    summary:
      'A field of a recorded event that is neither an event field nor in the mapping of docs/replay.md: the event is replayed without it',
  },
  'schema/duplicate-item': {
    severity: 'error',
    summary: 'A list that must have unique items repeats one (`prerequisites`, `appliesToAgents`, PII types)',
  },
  'schema/enum': {
    severity: 'error',
    summary:
      'A value outside the allowed list: `policyType`, `enforcementMode`, `chainTrigger` and enums inside rules',
  },
  'schema/invalid': { severity: 'error', summary: 'Any other schema violation' },
  'schema/item-count': {
    severity: 'error',
    summary: 'A list with too many (or too few) items, e.g. more than 20 `prerequisites`',
  },
  'schema/length': {
    severity: 'error',
    summary: 'A string that is empty where it must not be (`name`), or too long',
  },
  'schema/range': {
    severity: 'error',
    summary:
      'A number outside its range: `evaluationOrder` 0–100000, `reset_day` 1–28, `warning_threshold_pct` 0–100, positive amounts',
  },
  'schema/required': {
    severity: 'error',
    summary:
      'A required field is missing: `name`, `policyType`, `enforcementMode` and `ruleDefinition` at the top level, and required keys of some rules (`expression`, `validatorId`, `tools`, `monthly_cap_usd`)',
  },
  'schema/type': {
    severity: 'error',
    summary:
      'A value of the wrong type: a string where an array is expected, a number where a string is expected, an empty value',
  },
  'schema/unknown-key': {
    severity: 'error',
    summary:
      'A key the schema does not know, at the top level (servers since 1.7.0 reject unknown fields) or in an object that lists all its keys',
  },
  'schema/unknown-rule-key': {
    severity: 'warning',
    summary: 'A key in `ruleDefinition` that the sources do not document for this `policyType`',
  },
  'schema/unknown-value': {
    severity: 'warning',
    summary: 'A value outside a list of well-known values that the sources only sample (PII types)',
  },
  'yaml/alias-limit': { severity: 'error', summary: 'YAML aliases (`*name`) expand more than 100 times' },
  'yaml/invalid-binary': {
    severity: 'error',
    summary: 'A `!!binary` value that is not base64',
  },
  'yaml/merge-key': {
    severity: 'error',
    summary: 'A YAML 1.1 merge key (`<<`), which YAML 1.2 reads as an ordinary key',
  },
  'yaml/multiple-documents': {
    severity: 'error',
    summary: 'The file holds more than one YAML document (`---`)',
  },
  'yaml/syntax': {
    severity: 'error',
    summary: 'The YAML does not parse: an unclosed quote, a tab used for indentation, a bad indent',
  },
  'suppression/unused': {
    severity: 'warning',
    summary:
      'A `policylens-disable` comment that suppresses no finding: the problem it silenced is gone, or the code is misspelt',
  },
} as const satisfies Record<string, RuleInfo>;

/** Every finding code of the engine. */
export type FindingCode = keyof typeof RULES;

export const FINDING_CODES = Object.keys(RULES) as FindingCode[];

export function isFindingCode(code: string): code is FindingCode {
  return Object.prototype.hasOwnProperty.call(RULES, code);
}

/** The documentation page of a code, relative to the repository root. */
export function ruleDocPath(code: FindingCode): string {
  return `docs/findings/${code.replace('/', '-')}.md`;
}
