import schema from '../../../../../schemas/agentsentinel/policy.schema.json';
import compileSchema from '../../../../../schemas/agentsentinel/compile-request.schema.json';
import { renameOrRemoveKey, type FixSpec, type Problem } from '../../problem';
import type { SchemaObject } from '../../schema/compile';
import { nearest } from '../../suggest';
import type { Dialect } from '../types';
import { agentsentinelRecognizer, compileRequestRecognizer } from '../recognizers';
import { unknownKeys } from '../unknown-keys';
import { withPaths } from '../messages';
import { sharedProblems } from './shared-rules';
import { isObj, PLATFORM, show, type Obj } from './view';

export { declaredActions } from './shared-rules';
export { CALLGUARD, PLATFORM, type Layout } from './view';

/** The scopes that name a target (the schema's enum, but `global`). */
const TARGETED_SCOPES: readonly string[] = (
  (schema as { properties: { scope: { enum: string[] } } }).properties.scope.enum ?? []
).filter((s) => s !== 'global');

const APPROVAL_KEYS = [
  'approval_actions',
  'approval_tags',
  'approval_risk_levels',
  'approval_threshold_usd',
  'approval_timeout_seconds',
  'default_approvers',
  'approval_rules',
];

function isSet(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObj(v)) return Object.keys(v).length > 0;
  return true;
}

/** Soft warnings the compile endpoint also gives, plus scope without target. */
function platformProblems(doc: Obj): Problem[] {
  const out: Problem[] = [];
  if (doc.require_approval !== true)
    for (const k of APPROVAL_KEYS) {
      if (!isSet(doc[k])) continue;
      const enable: FixSpec =
        'require_approval' in doc
          ? {
              kind: 'composite',
              title: 'Set require_approval: true',
              steps: [{ path: ['require_approval'], fix: { kind: 'replaceValue', value: true } }],
            }
          : {
              kind: 'composite',
              title: 'Add require_approval: true',
              steps: [{ path: [], fix: { kind: 'addKeys', entries: [['require_approval', true]] } }],
            };
      out.push({
        code: 'agentsentinel/approval-without-require',
        severity: 'warning',
        message: `${k} has no effect while require_approval is ${doc.require_approval === false ? 'false' : 'not set (false)'}: approvals are off`,
        path: [k],
        target: 'key',
        fixes: [enable, { kind: 'removeKey', title: `Remove "${k}"` }],
      });
    }
  // Only a scope the platform has: an unknown one (`team`) is the enum's finding alone, whose fix
  // picks a scope, and "Add target_id" would have written `my-team-id` for a scope that is not one.
  if (
    typeof doc.scope === 'string' &&
    doc.scope !== 'global' &&
    TARGETED_SCOPES.includes(doc.scope) &&
    !(typeof doc.target_id === 'string' && doc.target_id)
  )
    out.push({
      code: 'agentsentinel/scope-without-target',
      severity: 'warning',
      message: `"${doc.scope}" needs target_id: the ${doc.scope} id the policy applies to`,
      path: ['scope'],
      target: 'value',
      fixes: [
        {
          kind: 'composite',
          title: 'Add target_id',
          preferred: true,
          steps: [{ path: [], fix: { kind: 'addKeys', entries: [['target_id', `my-${doc.scope}-id`]] } }],
        },
        { kind: 'replaceValue', value: 'global', title: 'Make the policy global' },
      ],
    });
  return out;
}

function unknownKeyProblems(doc: Obj): Problem[] {
  const inConstraints = show(PLATFORM.argument_constraints);
  return unknownKeys(schema as SchemaObject, doc)
    .filter((u) => String(u.path[0]) !== inConstraints)
    .map(({ path, key, unused }) => {
      const near = nearest(key, unused);
      return {
        code: 'agentsentinel/unknown-key',
        severity: 'warning',
        message: `unknown key "${key}": the compile endpoint warns about it and the platform ignores it${near.length ? `; did you mean "${near[0]}"?` : ''}`,
        path,
        target: 'key',
        fixes: renameOrRemoveKey(key, near),
      } satisfies Problem;
    });
}

export const agentsentinel: Dialect = {
  id: 'agentsentinel',
  label: 'Agent Sentinel policy',
  schema: schema as SchemaObject,
  detect: agentsentinelRecognizer.detect,
  rules(value) {
    if (!isObj(value)) return [];
    return withPaths([
      ...platformProblems(value),
      ...sharedProblems(value, PLATFORM),
      ...unknownKeyProblems(value),
    ]);
  },
  summary(value) {
    if (!isObj(value)) return {};
    const scope = typeof value.scope === 'string' ? value.scope : undefined;
    const detail = [
      scope && (value.target_id ? `${scope}: ${String(value.target_id)}` : scope),
      value.enabled === false ? 'disabled' : '',
    ]
      .filter(Boolean)
      .join(' · ');
    return { name: typeof value.name === 'string' ? value.name : undefined, detail };
  },
};

/** The body of `POST /api/v1/policies/compile`: a policy as text and its format. */
export const agentsentinelCompile: Dialect = {
  id: 'agentsentinel-compile',
  label: 'Agent Sentinel compile request',
  schema: compileSchema as SchemaObject,
  detect: compileRequestRecognizer.detect,
  summary(value) {
    return {
      detail: isObj(value) && typeof value.source_format === 'string' ? value.source_format : undefined,
    };
  },
};
