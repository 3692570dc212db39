import schema from '../../../../../schemas/agentsentinel/callguard.schema.json';
import type { PathSegment } from '../../parse/ast';
import { renameOrRemoveKey, type FixSpec, type Problem } from '../../problem';
import type { SchemaObject } from '../../schema/compile';
import { nearest } from '../../suggest';
import { CALLGUARD } from '../agentsentinel';
import { sharedProblems } from '../agentsentinel/shared-rules';
import { get, isObj, type Obj } from '../agentsentinel/view';
import type { Dialect } from '../types';
import { callguardRecognizer } from '../recognizers';
import { unknownKeys } from '../unknown-keys';
import { withPaths } from '../messages';

/**
 * The platform's flat keys and where callguard.yaml keeps the same setting: the nested entries of
 * the callguard layout, plus the two budgets that layout reads through `budgets`.
 */
const NESTED: Record<string, [string, string]> = {
  session_budget: ['budgets', 'session'],
  run_budget: ['budgets', 'run'],
  ...(Object.fromEntries(
    Object.entries(CALLGUARD).filter(([, path]) => Array.isArray(path) && path.length === 2),
  ) as Record<string, [string, string]>),
};

/** Platform keys that have no place in callguard.yaml at all: the SDK's loader never reads them. */
const PLATFORM_ONLY = [
  'name',
  'description',
  'enabled',
  'scope',
  'target_id',
  'require_approval',
  'approval_actions',
  'approval_tags',
  'approval_risk_levels',
  'approval_threshold_usd',
  'approval_timeout_seconds',
  'default_approvers',
  'approval_rules',
];

function flatKeyProblem(doc: Obj, key: string): Problem {
  const [group, nested] = NESTED[key];
  const target = `${group}.${nested}`;
  const groupValue = doc[group];
  const fixes: FixSpec[] = [];
  const remove = { path: [key] as PathSegment[], fix: { kind: 'removeKey' } as FixSpec };
  if (isObj(groupValue) && nested in groupValue)
    fixes.push({ kind: 'removeKey', title: `Remove "${key}" (${target} is already set)` });
  else if (isObj(groupValue))
    fixes.push({
      kind: 'composite',
      title: `Move to ${target}`,
      preferred: true,
      steps: [remove, { path: [group], fix: { kind: 'addKeys', entries: [[nested, doc[key]]] } }],
    });
  else if (!(group in doc))
    fixes.push({
      kind: 'composite',
      title: `Move to ${target}`,
      preferred: true,
      steps: [remove, { path: [], fix: { kind: 'addKeys', entries: [[group, { [nested]: doc[key] }]] } }],
    });
  return {
    code: 'callguard/flat-key',
    severity: 'warning',
    message: `"${key}" is the platform policy's flat spelling; the SDK reads ${target} from callguard.yaml and silently ignores "${key}", so this setting is not enforced`,
    path: [key],
    target: 'key',
    fixes,
  };
}

function keyProblems(doc: Obj): Problem[] {
  const out: Problem[] = [];
  for (const { path, key, unused } of unknownKeys(schema as SchemaObject, doc)) {
    if (path[0] === 'evidence' && path[1] === 'argument_constraints' && path.length > 3) continue;
    if (path.length === 1 && NESTED[key]) {
      out.push(flatKeyProblem(doc, key));
      continue;
    }
    if (path.length === 1 && PLATFORM_ONLY.includes(key)) {
      const approval =
        key.startsWith('approval') || key === 'require_approval' || key === 'default_approvers';
      out.push({
        code: 'callguard/ignored-key',
        severity: 'warning',
        message: `"${key}" is ignored: callguard.yaml has no ${approval ? 'approval keys' : 'name, scope or target'}; the SDK's loader never reads it. Set it in the platform policy (POST /api/v1/policies/) instead`,
        path,
        target: 'key',
        fixes: [{ kind: 'removeKey', title: `Remove "${key}"` }],
      });
      continue;
    }
    const near = nearest(key, unused);
    out.push({
      code: 'callguard/unknown-key',
      severity: 'warning',
      message: `unknown key "${key}" is silently ignored by the SDK${near.length ? `; did you mean "${near[0]}"?` : ''}`,
      path,
      target: 'key',
      fixes: renameOrRemoveKey(key, near),
    });
  }
  return out;
}

export const callguard: Dialect = {
  id: 'callguard',
  label: 'Agent Sentinel callguard.yaml',
  schema: schema as SchemaObject,
  detect: callguardRecognizer.detect,
  rules(value) {
    if (!isObj(value)) return [];
    return withPaths([...keyProblems(value), ...sharedProblems(value, CALLGUARD)]);
  },
  summary(value) {
    if (!isObj(value)) return {};
    const budgets = get(value, ['budgets']);
    const parts: string[] = [];
    if (isObj(budgets)) {
      if (typeof budgets.session === 'number') parts.push(`session $${budgets.session}`);
      if (typeof budgets.run === 'number') parts.push(`run $${budgets.run}`);
    }
    if (Array.isArray(value.allowed_actions)) parts.push('allowlist');
    return { name: 'callguard.yaml', detail: parts.join(' · ') };
  },
};
