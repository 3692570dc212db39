import { isObj, type EventContext } from './context';
import {
  actionEntry,
  effectOf,
  ERROR_ASSUMPTION,
  firstMatch,
  workflowNote,
  type Emit,
} from './preloop-actions';
import type { CompiledPreloop } from './preloop-compile';
import { evaluateModelIo, evaluateSensitive } from './preloop-io';
import type { TraceEntry } from './types';

export { compilePreloop, type CompiledPreloop } from './preloop-compile';

function evaluateTool(doc: CompiledPreloop, ctx: EventContext, emit: Emit): string | undefined {
  const call = ctx.event.tool!;
  const tool = doc.tools.find((t) => t.name === call.name);
  const policy = `${doc.name}: ${call.name}`;
  if (!tool) {
    const action = doc.unknownTools;
    const assumption =
      action === 'allow'
        ? undefined
        : `Preloop refuses to apply unknown_tools=${JSON.stringify(action)} (only allow is supported, §2.9); evaluated as written`;
    const effect = effectOf(action);
    const message = `"${call.name}" is not listed; defaults.unknown_tools: ${action}`;
    if (!effect) {
      emit({
        policy,
        type: 'unknown tool',
        status: 'passed',
        message,
        ...(assumption ? { assumption } : {}),
      });
      return undefined;
    }
    emit({
      policy,
      type: 'unknown tool',
      status: 'fired',
      effect,
      message,
      ...(assumption ? { assumption } : {}),
    });
    return action === 'require_approval' ? doc.defaultWorkflow : undefined;
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
  if (hit) {
    const extra: Partial<TraceEntry> = hit.error ? { assumption: `${ERROR_ASSUMPTION}: ${hit.error}` } : {};
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
