import schema from '../../../../schemas/execlave/policy-bundle.schema.json';
import type { SchemaObject } from '../schema/compile';
import type { Problem } from '../problem';
import type { Dialect } from './types';
import { celProblems } from '../cel/problems';
import { execlaveRecognizer } from './recognizers';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

export const execlave: Dialect = {
  id: 'execlave',
  label: 'Execlave policy bundle',
  schema: schema as SchemaObject,
  detect: execlaveRecognizer.detect,
  rules(value) {
    const out: Problem[] = [];
    if (!isObj(value)) return out;
    // Chain fields that can never matter in the file itself; cross-file checks live in chain/.
    const prereqs = Array.isArray(value.prerequisites) ? value.prerequisites : [];
    if (value.chainTrigger && value.chainTrigger !== 'all_passed' && prereqs.length === 0)
      out.push({
        code: 'chain/trigger-without-prerequisites',
        severity: 'warning',
        message: `chainTrigger: "${String(value.chainTrigger)}" has no effect without prerequisites`,
        path: ['chainTrigger'],
        target: 'value',
      });
    if (typeof value.name === 'string')
      prereqs.forEach((p, i) => {
        if (p === value.name)
          out.push({
            code: 'chain/self-reference',
            severity: 'error',
            message: `prerequisites[${i}]: "${p}" names this policy itself`,
            path: ['prerequisites', i],
            target: 'value',
            fixes: [{ kind: 'removeItem', title: `Remove the self-reference`, preferred: true }],
          });
      });
    // CEL expressions are parsed and type-checked against the documented context.
    out.push(...celProblems('execlave', value));
    return out;
  },
  summary(value) {
    if (!isObj(value)) return {};
    const name = typeof value.name === 'string' ? value.name : undefined;
    const detail = [value.policyType, value.enforcementMode].filter((x) => typeof x === 'string').join(' · ');
    return { name, detail };
  },
};
