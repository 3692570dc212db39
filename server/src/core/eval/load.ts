import { analyze } from '../analyze';
import type { Finding } from '../findings';
import type { PolicySource } from './types';

/** A policy file read for evaluation, with what lint says about it. */
export interface LoadedPolicy {
  source?: PolicySource;
  /** Lint's errors: the policy is still evaluated as written, and the front end says so. */
  errors: Finding[];
  /** Why the file gives no policy at all (it does not parse, or it is empty). */
  unusable?: string;
}

/**
 * Parses a policy file and detects its dialect exactly as lint does (a forced dialect, a `$schema`
 * key or comment, then the content), so `eval` runs what `lint` checked.
 */
export function loadPolicy(uri: string, text: string, dialect?: string): LoadedPolicy {
  const a = analyze(text, { fileName: uri, ...(dialect ? { dialect } : {}) });
  const errors = a.findings.filter((f) => f.severity === 'error');
  const value = a.doc?.value;
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value))
    return { errors, unusable: errors[0]?.message ?? 'the file holds no policy' };
  return { source: { uri, dialect: a.dialect.id, value }, errors };
}
