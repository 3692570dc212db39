import type { FixSpec, Problem } from '../../problem';
import { isObj, objectsOf, type Obj } from './util';

/** Approval-workflow rules: what an AI-driven workflow needs, and Preloop's escalation warning. */
export function workflowProblems(doc: Obj): Problem[] {
  const out: Problem[] = [];
  const workflows = objectsOf(doc.approval_workflows);
  // What an escalation fix may offer, gathered once: the first four distinct names (three of them
  // differ from any one workflow's) and how many workflows carry each name. Listing every other
  // workflow for each that lacks an escalation cost n² (20,000 workflows: lint 41 s).
  const named = new Map<string, number>();
  for (const [w] of workflows)
    if (typeof w.name === 'string') named.set(w.name, (named.get(w.name) ?? 0) + 1);
  const firstNames = [...named.keys()].slice(0, 4);
  let allNamed = 0;
  for (const count of named.values()) allNamed += count;
  for (const [wf, i] of workflows) {
    if (wf.approval_type !== 'ai_driven') continue;
    const name = String(wf.name);
    if (typeof wf.ai_model !== 'string' || !wf.ai_model.trim())
      out.push({
        code: 'preloop/ai-model-required',
        severity: 'error',
        message: `ai_model is required when approval_type is 'ai_driven' (workflow '${name}'). The AI approvals page claims a default of gpt-5.4-mini and the policy-as-code page also lists ai_guidelines as required; the server has no default model and requires only ai_model.`,
        path: ['approval_workflows', i, 'approval_type'],
        target: 'value',
        fixes: [
          {
            kind: 'composite',
            title: 'Add ai_model',
            preferred: true,
            steps: [
              {
                path: ['approval_workflows', i],
                fix: { kind: 'addKeys', entries: [['ai_model', 'gpt-5.4-mini']] },
              },
            ],
          },
        ],
      });
    const fallback = wf.ai_fallback_behavior ?? 'escalate';
    if (fallback === 'escalate' && (typeof wf.escalation_workflow !== 'string' || !wf.escalation_workflow)) {
      const others = firstNames.filter((n) => n !== wf.name).slice(0, 3);
      // The one other workflow there is is the obvious target.
      const onlyOther = allNamed - (typeof wf.name === 'string' ? (named.get(wf.name) ?? 0) : 0) === 1;
      const fixes: FixSpec[] = others.map((o, k) => ({
        kind: 'composite',
        title: `Escalate to "${o}"`,
        preferred: k === 0 && onlyOther,
        steps: [
          {
            path: ['approval_workflows', i],
            fix: { kind: 'addKeys', entries: [['escalation_workflow', o]] },
          },
        ],
      }));
      const explicit = 'ai_fallback_behavior' in wf;
      out.push({
        code: 'preloop/escalate-without-workflow',
        severity: 'warning',
        message: `AI-driven policy '${name}' has fallback_behavior='escalate'${explicit ? '' : ' (the default)'} but no escalation_workflow specified. Requests will fail to escalate when AI confidence is below threshold.`,
        path: ['approval_workflows', i, explicit ? 'ai_fallback_behavior' : 'approval_type'],
        target: 'value',
        ...(fixes.length ? { fixes } : {}),
      });
    }
  }
  return out;
}

/** Tool and model_io conditions: empty expressions and Preloop's "no workflow" warnings. */
export function conditionProblems(doc: Obj): Problem[] {
  const out: Problem[] = [];
  const firstWorkflow = objectsOf(doc.approval_workflows)
    .map(([w]) => w.name)
    .find((n): n is string => typeof n === 'string');
  const emptyExpressions = (list: unknown, base: (string | number)[]) => {
    for (const [c, j] of objectsOf(list))
      if (typeof c.expression === 'string' && !c.expression.trim())
        out.push({
          code: 'preloop/empty-expression',
          severity: 'error',
          message: 'Condition expression cannot be empty',
          path: [...base, j, 'expression'],
          target: 'value',
        });
  };
  for (const [tool, i] of objectsOf(doc.tools)) {
    emptyExpressions(tool.conditions, ['tools', i, 'conditions']);
    if (Array.isArray(tool.conditions) && tool.conditions.length && !tool.approval_workflow)
      out.push({
        code: 'preloop/conditions-without-workflow',
        severity: 'warning',
        message: `Tool '${String(tool.name)}' has conditions but no approval_workflow set. Conditions with 'require_approval' action will have no effect.`,
        path: ['tools', i, 'conditions'],
        target: 'key',
        ...(firstWorkflow
          ? {
              fixes: [
                {
                  kind: 'composite' as const,
                  title: `Set approval_workflow: ${firstWorkflow}`,
                  steps: [
                    {
                      path: ['tools', i],
                      fix: {
                        kind: 'addKeys' as const,
                        entries: [['approval_workflow', firstWorkflow]] as [string, unknown][],
                      },
                    },
                  ],
                },
              ],
            }
          : {}),
      });
  }
  for (const [rule, i] of objectsOf(doc.model_io)) {
    emptyExpressions(rule.conditions, ['model_io', i, 'conditions']);
    const wantsApproval = objectsOf(rule.conditions).some(
      ([c]) => (c.action ?? 'require_approval') === 'require_approval',
    );
    if (wantsApproval && !rule.approval_workflow)
      out.push({
        code: 'preloop/conditions-without-workflow',
        severity: 'warning',
        message: `model_io rule '${String(rule.id)}' has require_approval but no approval_workflow set.`,
        path: ['model_io', i, 'conditions'],
        target: 'key',
      });
  }
  return out;
}

const RESTRICTIVE_PREFIX =
  'Preloop validates this but refuses to apply it: "Policy contains restrictive default settings that are not yet supported. These settings would be silently ignored, leading to permissive behavior. Unsupported settings:';

/**
 * `defaults` that pass validation but make `preloop policy apply` fail with HTTP 422. Preloop's
 * own documentation example uses them, which is why they are common.
 */
export function defaultsProblems(doc: Obj): Problem[] {
  const out: Problem[] = [];
  const d = doc.defaults;
  if (!isObj(d)) return out;
  const docsNote = ' (the policy-as-code docs example uses this setting)';
  const warn = (key: string, item: string, docs: boolean) =>
    out.push({
      code: 'preloop/restrictive-default',
      severity: 'warning',
      message: `${RESTRICTIVE_PREFIX} ${item}. Remove these settings or wait for implementation."${docs ? docsNote : ''}`,
      path: ['defaults', key],
      target: 'value',
      fixes: [{ kind: 'removeKey', title: `Remove defaults.${key}` }],
    });
  if (typeof d.unknown_tools === 'string' && d.unknown_tools !== 'allow')
    warn(
      'unknown_tools',
      `unknown_tools='${d.unknown_tools}' (only 'allow' is currently supported)`,
      d.unknown_tools === 'require_approval',
    );
  if (d.require_approval_for_new_tools === true)
    warn('require_approval_for_new_tools', 'require_approval_for_new_tools=true (not yet implemented)', true);
  if (typeof d.default_approval_workflow === 'string' && d.default_approval_workflow)
    warn(
      'default_approval_workflow',
      `default_approval_workflow='${d.default_approval_workflow}' (not yet implemented)`,
      true,
    );
  return out;
}
