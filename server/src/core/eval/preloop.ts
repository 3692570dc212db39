import { isObj, type EventContext } from './context';
import { actionEntry, ERROR_ASSUMPTION, firstMatch, workflowNote, type Emit } from './preloop-actions';
import type { CompiledPreloop } from './preloop-compile';
import { noneNote } from './preloop-conditions';
import { evaluateModelIo, evaluateSensitive } from './preloop-io';
import type { TraceEntry } from './types';

export { compilePreloop, compilePreloopSet, type CompiledPreloop } from './preloop-compile';

/**
 * A tool no document declares, by `defaults.unknown_tools`. The seed documents `deny` and
 * `require_approval` (its own example uses the latter); Preloop validates them but refuses to apply
 * them, which lint reports as `preloop/restrictive-default`. The evaluator answers what the document
 * says, as the seed documents it, and the trace repeats lint's warning. A value Preloop does not
 * accept at all (lint: a schema error) is read as `deny`, never as `allow`.
 */
function unknownTool(doc: CompiledPreloop, name: string, policy: string, emit: Emit): string | undefined {
  const action = doc.unknownTools;
  const message = `"${name}" is not listed; defaults.unknown_tools: ${action}`;
  if (action === 'allow') {
    emit({ policy, type: 'unknown tool', status: 'passed', message });
    return undefined;
  }
  const known = action === 'deny' || action === 'require_approval';
  const notes = [
    known
      ? `Preloop validates unknown_tools=${JSON.stringify(action)} but refuses to apply it (lint: preloop/restrictive-default); evaluated as the seed documents it`
      : `unknown_tools=${JSON.stringify(action)} is not a value Preloop accepts (allow, deny, require_approval); read as deny (fail-closed)`,
  ];
  if (action !== 'require_approval') {
    emit({
      policy,
      type: 'unknown tool',
      status: 'fired',
      effect: 'block',
      message,
      assumption: notes.join('; '),
    });
    return undefined;
  }
  const workflow = doc.defaultWorkflow;
  const details = workflowNote(doc, workflow);
  if (!workflow)
    notes.push('no default_approval_workflow is set: approval is required, through no named workflow');
  else if (!details) notes.push(`the default_approval_workflow "${workflow}" is declared by no document`);
  emit({
    policy,
    type: 'unknown tool',
    status: 'fired',
    effect: 'require_approval',
    message,
    assumption: notes.join('; '),
    ...(details ? { details } : {}),
  });
  return workflow;
}

function evaluateTool(doc: CompiledPreloop, ctx: EventContext, emit: Emit): string | undefined {
  const call = ctx.event.tool!;
  const tool = doc.tools.find((t) => t.name === call.name);
  const policy = `${doc.name}: ${call.name}`;
  if (!tool) {
    const elsewhere = doc.set.tools.get(call.name);
    if (elsewhere) {
      emit({
        policy,
        type: 'unknown tool',
        status: 'not applicable',
        reason: `"${call.name}" is declared by ${elsewhere.doc}, so it is not unknown here`,
      });
      return undefined;
    }
    return unknownTool(doc, call.name, policy, emit);
  }
  if (!tool.enabled) {
    emit({
      policy,
      type: 'tool',
      status: 'fired',
      effect: 'block',
      message: `tool "${tool.name}" is disabled (enabled: false)`,
      assumption: 'a disabled tool is not callable: the call is denied',
    });
    return undefined;
  }
  const vars = { args: isObj(call.arguments) ? call.arguments : {} };
  const hit = firstMatch(tool.conditions, vars);
  const none = noneNote(hit.notes);
  if (hit.cond) {
    const notes = [hit.error ? `${ERROR_ASSUMPTION}: ${hit.error}` : undefined, none].filter(Boolean);
    const extra: Partial<TraceEntry> = notes.length ? { assumption: notes.join('; ') } : {};
    return actionEntry(emit, doc, policy, 'tool', hit.cond, tool.workflow, extra);
  }
  if (!tool.conditions.length && tool.workflow) {
    emit({
      policy,
      type: 'tool',
      status: 'fired',
      effect: 'require_approval',
      message: `every call needs approval through "${tool.workflow}"`,
      assumption: 'a tool with an approval_workflow and no conditions needs approval on every call',
      ...(workflowNote(doc, tool.workflow) ? { details: workflowNote(doc, tool.workflow) } : {}),
    });
    return tool.workflow;
  }
  emit({
    policy,
    type: 'tool',
    status: 'passed',
    message: tool.conditions.length
      ? `no condition matched (${tool.conditions.length} checked); allowed`
      : 'listed without conditions; allowed',
    ...(none ? { assumption: none } : {}),
  });
  return undefined;
}

/** Every Preloop document over one event: its tool call, its model I/O and sensitive data. */
export function evaluatePreloop(
  docs: readonly CompiledPreloop[],
  ctx: EventContext,
): { trace: TraceEntry[]; workflow?: string } {
  const trace: TraceEntry[] = [];
  let workflow: string | undefined;
  const e = ctx.event;
  for (const doc of docs) {
    const emit: Emit = (entry) => trace.push({ dialect: 'preloop', source: doc.source, ...entry });
    if (e.tool && typeof e.tool.name === 'string') workflow = evaluateTool(doc, ctx, emit) ?? workflow;
    if (doc.modelIo.length && (e.request || e.response))
      workflow = evaluateModelIo(doc, ctx, emit) ?? workflow;
    if (doc.sensitive.length && (e.tool || e.request || e.response))
      workflow = evaluateSensitive(doc, ctx, emit) ?? workflow;
    if (!e.tool && !e.request && !e.response)
      emit({
        policy: doc.name,
        type: 'document',
        status: 'not applicable',
        reason: 'the event has no tool call or model I/O',
      });
  }
  return { trace, ...(workflow ? { workflow } : {}) };
}
