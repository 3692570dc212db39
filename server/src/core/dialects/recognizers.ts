/**
 * How each dialect is recognised: its id, the `$id` of its schema and its `detect` score, with
 * nothing else of the dialect (no schema, no rules). The dialects (`DIALECTS`) take their `detect`
 * from here, and the extension's quick recogniser (`sniff.ts`, through `protocol/recognize.ts`)
 * runs the same functions on the keys it reads from the text: one rule on both sides, which
 * therefore cannot disagree. This file imports only `../suggest` and must stay that small, since
 * the extension evaluates it as it activates.
 */
import { editDistance } from '../suggest';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** What recognising a dialect needs: its id, its schema's `$id`, and how sure a value is of it. */
export interface Recognizer {
  id: string;
  /** The `$id` of the dialect's schema (a test checks it against the schema itself). */
  schemaId: string;
  /** How sure we are that a document is this dialect: 0 = not at all, 1 = certain. */
  detect(value: unknown, fileName: string): number;
}

/**
 * Whether a key is a near-miss of one of `markers` (`polcyType`, `enforcement_mode`): a bundle
 * with a typo in a required key is still a bundle, and must get the finding that names the typo.
 */
export function nearMarker(value: Obj, markers: readonly string[]): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  const targets = markers.map(norm);
  return Object.keys(value).some((key) => {
    const k = norm(key);
    return targets.some((t) => Math.abs(k.length - t.length) <= 2 && editDistance(k, t) <= 2);
  });
}

const SCHEMAS = 'https://policy-lens.dev/schemas';

/** Keys only an Execlave bundle has, current or legacy. */
const EXECLAVE_MARKERS = ['policyType', 'enforcementMode', 'ruleDefinition'];
const EXECLAVE_LEGACY = ['config', 'agentIds'];

/**
 * An Azure Policy definition (`policyType: Custom`, `mode`, `policyRule`): repositories of Azure
 * policy-as-code keep them under `policies/` too, and `policyType` would make them bundles.
 * `policyRule` is Azure's own key, and no Execlave bundle has it.
 */
export const AZURE_POLICY = 'policyRule';

export const execlaveRecognizer: Recognizer = {
  id: 'execlave',
  schemaId: `${SCHEMAS}/execlave/policy-bundle.schema.json`,
  detect(value) {
    if (!isObj(value) || AZURE_POLICY in value) return 0;
    const hits = EXECLAVE_MARKERS.filter((k) => k in value).length;
    if (hits) return 0.5 + hits / 6;
    if (EXECLAVE_LEGACY.some((k) => k in value) && 'name' in value) return 0.4;
    // Every marker misspelt (`polcyType`, `enforcement_mode`): still a bundle, whose findings name
    // the typos; below every other dialect's own keys.
    return nearMarker(value, EXECLAVE_MARKERS) ? 0.2 : 0;
  },
};

const PRELOOP_LISTS = ['tools', 'approval_workflows', 'mcp_servers'];
/** Every top-level key of a Preloop document (its schema's properties; a test checks them). */
export const PRELOOP_KEYS = [
  '$schema',
  'version',
  'metadata',
  'mcp_servers',
  'approval_workflows',
  'tools',
  'model_io',
  'sensitive_data',
  'defaults',
];

/**
 * The score of a document all of whose keys are one dialect's (`version: "1.0"` alone, a lone
 * `tools:` list): too little to make a file a policy (`RECOGNIZED` in detect.ts: a path never
 * does), enough to say which format a file already taken for a policy is read as.
 */
export const ONLY_ITS_KEYS = 0.05;

/** Whether a mapping has keys, and all of them are among `keys`. */
function onlyKeysOf(value: Obj, keys: readonly string[]): boolean {
  const own = Object.keys(value).filter((k) => k !== '$schema');
  return own.length > 0 && own.every((k) => keys.includes(k));
}

export const preloopRecognizer: Recognizer = {
  id: 'preloop',
  schemaId: `${SCHEMAS}/preloop/policy.schema.json`,
  detect(value) {
    if (!isObj(value)) return 0;
    const lists = PRELOOP_LISTS.filter((k) => k in value).length;
    const hasMeta = isObj(value.metadata);
    const only = onlyKeysOf(value, PRELOOP_KEYS) ? ONLY_ITS_KEYS : 0;
    if (!hasMeta) return lists && 'version' in value ? 0.6 : only;
    if ('policyType' in value || 'ruleDefinition' in value) return 0;
    if ('version' in value && lists) return 0.95;
    if (lists || 'defaults' in value || 'model_io' in value || 'sensitive_data' in value) return 0.85;
    return 'version' in value ? 0.7 : only;
  },
};

const CALLGUARD_FILE = /(^|[\\/])callguard\.ya?ml$/i;
/** Keys only a platform policy has: what it is called and what it applies to. */
const PLATFORM_IDENTITY = ['name', 'scope', 'target_id'];

export const callguardRecognizer: Recognizer = {
  id: 'callguard',
  schemaId: `${SCHEMAS}/agentsentinel/callguard.schema.json`,
  detect(value, fileName) {
    // No mapping (nothing at all, analyze's fallback for an empty file, or a first word being
    // typed): the name is all there is, and the SDK reads the file by its name.
    if (!isObj(value)) return CALLGUARD_FILE.test(fileName) ? 1 : 0;
    if (CALLGUARD_FILE.test(fileName)) return 'policyType' in value || 'metadata' in value ? 0.3 : 1;
    const nested = (isObj(value.budgets) ? 1 : 0) + (isObj(value.evidence) ? 1 : 0);
    if (!nested) return 0;
    // A platform policy names what it applies to; callguard.yaml is the SDK's local file and
    // never does. A misplaced `budgets:` in a platform policy leaves it a platform policy.
    if (PLATFORM_IDENTITY.some((k) => k in value)) return 0.3;
    return 0.8 + nested * 0.05;
  },
};

/** Keys only an Agent Sentinel platform policy has. */
const PLATFORM_MARKERS = [
  'scope',
  'target_id',
  'session_budget',
  'run_budget',
  'action_budgets',
  'denied_actions',
  'allowed_actions',
  'rate_limits',
  'require_approval',
  'approval_actions',
  'approval_threshold_usd',
  'evidence_requirements',
  'commit_actions',
  'evidence_actions',
  'argument_constraints',
  'grounding_rules',
];

/**
 * Every top-level key of an Agent Sentinel platform policy (its schema's properties; a test checks
 * them).
 */
export const AGENTSENTINEL_KEYS = [
  '$schema',
  'name',
  'description',
  'enabled',
  ...PLATFORM_MARKERS,
  'approval_tags',
  'approval_risk_levels',
  'approval_timeout_seconds',
  'default_approvers',
  'approval_rules',
  'evidence_max_age_seconds',
  'strict_mode',
];

/** A platform policy's scopes (`scope` is a common word: a Helm chart's `scope: cluster` is none). */
const PLATFORM_SCOPES = ['global', 'agent', 'run', 'group', 'mission'];

export const agentsentinelRecognizer: Recognizer = {
  id: 'agentsentinel',
  schemaId: `${SCHEMAS}/agentsentinel/policy.schema.json`,
  detect(value) {
    if (!isObj(value)) return 0;
    if ('policyType' in value || 'ruleDefinition' in value) return 0;
    const markers = PLATFORM_MARKERS.filter((k) => k in value);
    // `scope` alone, with a value that is no scope of a platform policy and nothing else of Agent
    // Sentinel's (a misplaced `budgets:` is): another tool's file, such as a Helm chart's values.
    // Unless every key is a platform policy's (`scope:` cleared to pick another scope): not enough
    // to make a file a policy, enough to keep one read as Agent Sentinel while it is edited.
    if (
      markers.length === 1 &&
      markers[0] === 'scope' &&
      !scopeOfPlatform(value.scope) &&
      !('budgets' in value || 'evidence' in value)
    )
      return onlyKeysOf(value, AGENTSENTINEL_KEYS) ? ONLY_ITS_KEYS : 0;
    const hits = markers.length;
    return hits ? Math.min(0.8, 0.45 + hits * 0.05) : 0;
  },
};

/**
 * Whether a `scope` value is (or is being typed as) one of a platform policy's scopes. A value not
 * read (the extension's quick recogniser passes scalars as null) is none: the quick answer may only
 * say less than the server's.
 */
function scopeOfPlatform(scope: unknown): boolean {
  if (typeof scope !== 'string' || scope === '') return false;
  const s = scope.toLowerCase();
  return PLATFORM_SCOPES.some((p) => p.startsWith(s) || editDistance(s, p) <= 1);
}

/** The body of `POST /api/v1/policies/compile`: a policy as text and its format. */
export const compileRequestRecognizer: Recognizer = {
  id: 'agentsentinel-compile',
  schemaId: `${SCHEMAS}/agentsentinel/compile-request.schema.json`,
  detect(value) {
    return isObj(value) && 'source_format' in value && 'source' in value ? 0.9 : 0;
  },
};

/** Every dialect's recogniser, in the order of `DIALECTS` (the default first; ties go to the first). */
export const RECOGNIZERS: readonly Recognizer[] = [
  execlaveRecognizer,
  preloopRecognizer,
  callguardRecognizer,
  agentsentinelRecognizer,
  compileRequestRecognizer,
];
