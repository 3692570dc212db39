import schema from '../../../../../schemas/preloop/policy.schema.json';
import { celProblems } from '../../cel/problems';
import type { Problem } from '../../problem';
import type { SchemaObject } from '../../schema/compile';
import type { Dialect } from '../types';
import { preloopRecognizer } from '../recognizers';
import { ignoredKeyProblems, versionProblems } from './keys';
import { referenceProblems } from './references';
import { sensitiveDataProblems } from './sensitive';
import { detectorResultProblems } from './detectorResults';
import { simpleConditionProblems } from './simpleCondition';
import { unknownPiiTypeProblems } from './unknownPiiTypes';
import { isObj } from './util';
import { withPaths } from '../messages';
import { conditionProblems, defaultsProblems, workflowProblems } from './workflows';

export { declaredNames as preloopNames } from './references';

export const preloop: Dialect = {
  id: 'preloop',
  label: 'Preloop policy document',
  schema: schema as SchemaObject,
  detect: preloopRecognizer.detect,
  rules(value) {
    if (!isObj(value)) return [];
    const out: Problem[] = [
      ...versionProblems(value),
      ...referenceProblems(value),
      ...workflowProblems(value),
      ...conditionProblems(value),
      ...detectorResultProblems(value),
      ...simpleConditionProblems(value),
      ...defaultsProblems(value),
      ...sensitiveDataProblems(value),
      ...unknownPiiTypeProblems(value),
      ...ignoredKeyProblems(schema as SchemaObject, value),
      ...celProblems('preloop', value),
    ];
    return withPaths(out);
  },
  summary(value) {
    if (!isObj(value)) return {};
    const meta = isObj(value.metadata) ? value.metadata : {};
    // `1 tool`, `2 tools`: the outline's detail reads as a sentence.
    const count = (k: string, what: string) =>
      Array.isArray(value[k]) ? `${value[k].length} ${what}${value[k].length === 1 ? '' : 's'}` : '';
    const detail = [
      count('tools', 'tool'),
      count('approval_workflows', 'workflow'),
      count('mcp_servers', 'server'),
    ]
      .filter(Boolean)
      .join(' · ');
    return { name: typeof meta.name === 'string' ? meta.name : undefined, detail };
  },
};
