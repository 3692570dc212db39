import { analyze } from '../analyze';
import type { Finding } from '../findings';
import type { PolicySource } from './types';

const UNUSABLE =
  /^(yaml\/syntax|json\/syntax|yaml\/alias-limit|yaml\/multiple-documents|parse\/(binary|too-deep|too-large|duplicate-key))$/;

/** A policy file read for evaluation, with what lint says about it. */
export interface LoadedPolicy {
  source?: PolicySource;
  /** Lint's errors: the policy is still evaluated as written, and the front end says so. */
  errors: Finding[];
  /** Why the file gives no policy at all: it does not parse. */
  unusable?: string;
  /** The file parses but holds no mapping (a list, a scalar, nothing): not a policy file. */
  notAPolicy?: boolean;
}

/**
 * Parses a policy file and detects its dialect exactly as lint does (a forced dialect, a `$schema`
 * key or comment, then the content), so `eval` runs what `lint` checked.
 */
export function loadPolicy(uri: string, text: string, dialect?: string): LoadedPolicy {
  const a = analyze(text, { fileName: uri, ...(dialect ? { dialect } : {}) });
  const errors = a.findings.filter((f) => f.severity === 'error');
  const value = a.doc?.value;
  // A syntax error (or a key given twice) leaves what the policy says uncertain: it is not run.
  const broken = errors.find((f) => UNUSABLE.test(f.code));
  if (broken || (value === undefined && errors.length)) {
    const f = broken ?? errors[0];
    return { errors, unusable: `${where(text, f.span.start)}: ${f.message}` };
  }
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value))
    return { errors, notAPolicy: true };
  return { source: { uri, dialect: a.dialect.id, value }, errors };
}

/** `line 3, column 7` of an offset, as the user finds it in an editor (both 1-based). */
function where(text: string, offset: number): string {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return `line ${line}, column ${offset - start + 1}`;
}
