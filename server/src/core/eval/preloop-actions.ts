import type { CompiledPreloop } from './preloop-compile';
import type { CompiledCondition } from './preloop-conditions';
import type { Effect, TraceEntry } from './types';

/** The effect of a Preloop action: deny blocks; notify warns; redact passes the text on masked. */
export function effectOf(action: string): Effect | undefined {
  switch (action) {
    case 'deny':
      return 'block';
    case 'require_approval':
      return 'require_approval';
    case 'notify':
      return 'warn';
    case 'redact':
      return 'redact';
    default:
      return undefined;
  }
}

/**
 * The workflow a document names, found in the document itself first, then in any document
 * evaluated with it (Preloop's schema wants it in the same file, and lint says so; once applied,
 * the account has them all).
 */
export function workflowNote(
  doc: CompiledPreloop,
  name: string | undefined,
): Record<string, unknown> | undefined {
  if (!name) return undefined;
  const own = doc.workflows.get(name);
  if (own) return { approvalWorkflow: own };
  const other = doc.set.workflows.get(name);
  return other ? { approvalWorkflow: other.workflow, approvalWorkflowDeclaredBy: other.doc } : undefined;
}

export type Emit = (e: Omit<TraceEntry, 'dialect' | 'source'>) => void;

/** A matched condition's action, with the rule that require_approval needs a workflow. */
export function actionEntry(
  emit: Emit,
  doc: CompiledPreloop,
  policy: string,
  type: string,
  cond: CompiledCondition,
  workflow: string | undefined,
  extra: Partial<TraceEntry>,
): string | undefined {
  const what = `condition ${cond.index + 1} matched (${cond.kind}${cond.upgraded ? ', upgraded from simple by the loader' : ''}): ${cond.expression} → ${cond.action}`;
  const effect = effectOf(cond.action);
  if (cond.action === 'require_approval' && !workflow) {
    emit({
      policy,
      type,
      status: 'passed',
      message: `${what}; no approval_workflow is set, so require_approval has no effect (Preloop's own warning)`,
      ...extra,
    });
    return undefined;
  }
  if (!effect) {
    emit({ policy, type, status: 'passed', message: what, ...extra });
    return undefined;
  }
  const details = cond.action === 'require_approval' ? workflowNote(doc, workflow) : undefined;
  emit({ policy, type, status: 'fired', effect, message: what, ...extra, ...(details ? { details } : {}) });
  return cond.action === 'require_approval' ? workflow : undefined;
}

/**
 * The first condition that matches, in order. `notes` collects, for the conditions tested up to
 * it, where a missing argument was compared as None, so the trace can say so.
 */
export function firstMatch(
  conditions: readonly CompiledCondition[],
  vars: Record<string, unknown>,
): { cond?: CompiledCondition; error?: string; notes: string[] } {
  const notes: string[] = [];
  for (const cond of conditions) {
    const r = cond.test(vars);
    // An error is read the restrictive way: a deny or require_approval condition matches, an
    // allow condition does not (so a missing argument never opens a tool up).
    if ('error' in r) {
      if (cond.action === 'allow') continue;
      return { cond, error: r.error, notes };
    }
    if (r.note) notes.push(`condition ${cond.index + 1}: ${r.note}`);
    if (r.match) return { cond, notes };
  }
  return { notes };
}

export const ERROR_ASSUMPTION =
  'a condition that cannot be evaluated matches when it denies or asks for approval, and never when it allows (fail-closed)';
