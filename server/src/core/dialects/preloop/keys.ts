import { renameOrRemoveKey, type FixSpec, type Problem } from '../../problem';
import type { SchemaObject } from '../../schema/compile';
import { nearest } from '../../suggest';
import { unknownKeys } from '../unknown-keys';
import { isObj, type Obj } from './util';

/**
 * Keys from docs.preloop.ai that the server does not read. Preloop's models ignore unknown keys,
 * so these validate and then do nothing: the defaults apply instead.
 */
const DOC_KEYS: Record<string, { to: string; note: string }> = {
  required_approvals: { to: 'approvals_required', note: 'so approvals_required stays at its default 1' },
  approvers: { to: 'approver_teams', note: 'so the workflow has no approver teams' },
  notification_channels: { to: 'channel_configs', note: 'it is no longer used' },
};

/** `version: 1.0` unquoted is the number 1 in YAML; Preloop wants the string "1.0". */
export function versionProblems(doc: Obj): Problem[] {
  if (typeof doc.version !== 'number') return [];
  return [
    {
      code: 'preloop/version-float',
      severity: 'error',
      message: `must be the string "1.0", not the number ${doc.version}: 1.0 without quotes is a number (in YAML as in JSON), and Preloop answers "Input should be '1.0'" (and checks nothing else until it is fixed)`,
      path: ['version'],
      target: 'value',
      fixes: [
        // The author wrote 1.0 and meant the version "1.0": quoting it says so.
        {
          kind: 'replaceValue',
          value: '1.0',
          title: 'Quote the version: "1.0"',
          preferred: true,
          safe: true,
        },
      ],
    },
  ];
}

/** `approvers: [{team: sre}]` → `approver_teams: [sre]`, when every entry names a team. */
function approverFix(value: unknown, path: (string | number)[]): FixSpec | undefined {
  if (!Array.isArray(value)) return undefined;
  const teams = value.map((v) => (isObj(v) && typeof v.team === 'string' ? v.team : undefined));
  if (teams.some((t) => t === undefined)) return undefined;
  return {
    kind: 'composite',
    title: `Replace with approver_teams: [${teams.join(', ')}]`,
    preferred: true,
    steps: [
      { path, fix: { kind: 'removeKey' } },
      { path: path.slice(0, -1), fix: { kind: 'addKeys', entries: [['approver_teams', teams]] } },
    ],
  };
}

/** Keys Preloop silently ignores: documented aliases with their real names, and typos. */
export function ignoredKeyProblems(schema: SchemaObject, doc: Obj): Problem[] {
  return unknownKeys(schema, doc).map(({ path, key, unused }) => {
    let cur: unknown = doc;
    for (const seg of path) cur = (cur as Record<string | number, unknown>)?.[seg];
    const alias = DOC_KEYS[key];
    if (alias && (alias.to === 'channel_configs' || unused.includes(alias.to))) {
      const fixes: FixSpec[] = [];
      const special = key === 'approvers' ? approverFix(cur, path) : undefined;
      if (special) fixes.push(special);
      else if (key !== 'approvers' && key !== 'notification_channels')
        fixes.push({
          kind: 'renameKey',
          to: alias.to,
          title: `Rename "${key}" to "${alias.to}"`,
          preferred: true,
        });
      fixes.push({ kind: 'removeKey', title: `Remove "${key}"` });
      return {
        code: 'preloop/ignored-key',
        severity: 'warning',
        message: `"${key}" is silently ignored by Preloop (docs.preloop.ai spells it this way), ${alias.note}; the server reads "${alias.to}"`,
        path,
        target: 'key',
        fixes,
      };
    }
    const near = nearest(key, unused);
    const fixes = renameOrRemoveKey(key, near);
    return {
      code: 'preloop/ignored-key',
      severity: 'warning',
      message: `unknown key "${key}" is silently ignored by Preloop${near.length ? `; did you mean "${near[0]}"?` : ''}`,
      path,
      target: 'key',
      fixes,
    };
  });
}
