import schema from '../../../../schemas/execlave/policy-bundle.schema.json';
import type { SchemaObject } from '../schema/compile';
import type { Problem } from '../problem';
import type { Dialect } from './types';
import { celProblems } from '../cel/problems';
import { nearMarker } from './detect';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** Keys only an Execlave bundle has, current or legacy. */
const MARKERS = ['policyType', 'enforcementMode', 'ruleDefinition'];
const LEGACY_MARKERS = ['config', 'agentIds'];

export const execlave: Dialect = {
  id: 'execlave',
  label: 'Execlave policy bundle',
  schema: schema as SchemaObject,
  detect(value) {
    if (!isObj(value)) return 0;
    const hits = MARKERS.filter((k) => k in value).length;
    if (hits) return 0.5 + hits / 6;
    if (LEGACY_MARKERS.some((k) => k in value) && 'name' in value) return 0.4;
    // Every marker misspelt (`polcyType`, `enforcement_mode`): still a bundle, whose findings name
    // the typos; below every other dialect's own keys.
    return nearMarker(value, MARKERS) ? 0.2 : 0;
  },
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
