import schema from '../../../../../schemas/preloop/policy.schema.json';
import { celProblems } from '../../cel/problems';
import type { Problem } from '../../problem';
import type { SchemaObject } from '../../schema/compile';
import type { Dialect } from '../types';
import { ignoredKeyProblems, versionProblems } from './keys';
import { referenceProblems } from './references';
import { sensitiveDataProblems } from './sensitive';
import { isObj } from './util';
import { withPaths } from '../messages';
import { conditionProblems, defaultsProblems, workflowProblems } from './workflows';

export { declaredNames as preloopNames } from './references';

const LISTS = ['tools', 'approval_workflows', 'mcp_servers'];

export const preloop: Dialect = {
  id: 'preloop',
  label: 'Preloop policy document',
  schema: schema as SchemaObject,
  detect(value) {
    if (!isObj(value)) return 0;
    const lists = LISTS.filter((k) => k in value).length;
    const hasMeta = isObj(value.metadata);
    if (!hasMeta) return lists && 'version' in value ? 0.6 : 0;
    if ('policyType' in value || 'ruleDefinition' in value) return 0;
    if ('version' in value && lists) return 0.95;
    if (lists || 'defaults' in value || 'model_io' in value || 'sensitive_data' in value) return 0.85;
    return 'version' in value ? 0.7 : 0;
  },
  rules(value) {
    if (!isObj(value)) return [];
    const out: Problem[] = [
      ...versionProblems(value),
      ...referenceProblems(value),
      ...workflowProblems(value),
      ...conditionProblems(value),
      ...defaultsProblems(value),
      ...sensitiveDataProblems(value),
      ...ignoredKeyProblems(schema as SchemaObject, value),
      ...celProblems('preloop', value),
    ];
    return withPaths(out);
  },
  summary(value) {
    if (!isObj(value)) return {};
    const meta = isObj(value.metadata) ? value.metadata : {};
    const count = (k: string, what: string) => (Array.isArray(value[k]) ? `${value[k].length} ${what}` : '');
    const detail = [
      count('tools', 'tools'),
      count('approval_workflows', 'workflows'),
      count('mcp_servers', 'servers'),
    ]
      .filter(Boolean)
      .join(' · ');
    return { name: typeof meta.name === 'string' ? meta.name : undefined, detail };
  },
};
