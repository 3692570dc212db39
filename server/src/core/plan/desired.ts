/**
 * Which analysed files take part in a sync plan. Only Execlave bundles sync (the live org is an
 * Execlave-compatible API); a bundle with errors is held back rather than sent to be refused, and its
 * name is kept out of pruning so that a half-edited file never deletes its live policy.
 */
import type { Analysis } from '../analyze';
import type { DesiredBundle } from './types';

export type DesiredOutcome =
  | { kind: 'bundle'; bundle: DesiredBundle }
  /** Not an Execlave bundle (another dialect, or not a policy at all): not part of sync. */
  | { kind: 'skip' }
  /** An Execlave bundle with errors; `name` when it still has one. */
  | { kind: 'invalid'; name?: string; errors: number; firstError: string };

export function desiredFromAnalysis(analysis: Analysis, file: string, uri?: string): DesiredOutcome {
  const value = analysis.doc?.value;
  // A body over the API's limits is not an invalid bundle: the plan measures it with the real ids and
  // shows its change as refused (limits.ts), which says more than "invalid" and applies nothing either.
  const errors = analysis.findings.filter((f) => f.severity === 'error' && f.code !== 'sync/request-limit');
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  // A file nothing marks as a bundle (a package.json, a broken YAML file of another tool) is not one
  // to sync; lint reports it when it is forced to be one.
  if (!analysis.recognizedBy || analysis.recognizedBy === 'unsure' || analysis.dialect.id !== 'execlave')
    return { kind: 'skip' };
  const name =
    isObject && typeof (value as Record<string, unknown>).name === 'string'
      ? (value as { name: string }).name
      : undefined;
  if (errors.length || !isObject || name === undefined) {
    const first = errors[0];
    return {
      kind: 'invalid',
      ...(name !== undefined ? { name } : {}),
      errors: Math.max(1, errors.length),
      // A finding's message already starts with its path (`enforcementMode: "allow" is not …`).
      firstError: first
        ? first.path && !first.message.startsWith(`${first.path}: `)
          ? `${first.path}: ${first.message}`
          : first.message
        : 'the bundle has no name',
    };
  }
  return {
    kind: 'bundle',
    bundle: { name, file, ...(uri ? { uri } : {}), value: value as Record<string, unknown> },
  };
}
