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
import { PRELOOP_RULES } from './preloopRules';
import { SENTINEL_RULES } from './sentinelRules';
import type { Severity } from './findings';

export interface RuleInfo {
  readonly severity: Severity;
  readonly summary: string;
}

export const RULES = {
  ...SENTINEL_RULES,
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
  'chain/exported-id': {
    severity: 'warning',
    summary:
      'A prerequisite written as the server id that another bundle of the workspace carries as its own `id` (a raw export): it resolves to that bundle, but names nothing in another org',
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
  ...PRELOOP_RULES,
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
  'sync/request-limit': {
    severity: 'error',
    summary:
      'A bundle whose request body, as sync sends it, is over a limit of the policies API (more than 1 MiB, or nested more than 64 levels): the live org refuses it',
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
