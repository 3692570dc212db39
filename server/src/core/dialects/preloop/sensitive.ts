import type { Problem } from '../../problem';
import { backReference, pythonOnlyRegex, regexSyntaxError } from '../../regexDialect';
import { hasNestedQuantifier } from '../../regexRisk';
import { isObj, objectsOf, type Obj } from './util';

const NAME = /^[a-z][a-z0-9_]{0,63}$/;
/** The detector types Preloop's loader knows without a pattern; the evaluator detects the same types. */
export const BUILTIN_TYPES = [
  'email',
  'phone',
  'credit_card',
  'iban',
  'ip_address',
  'date_of_birth',
  'national_id',
  'medical_record_number',
  'person_name',
];
/** A group with a quantifier inside and after it, such as `(a+)+`: catastrophic backtracking. */

/** Rules of `sensitive_data` (newer Preloop schema) that JSON Schema cannot say in Preloop's words. */
export function sensitiveDataProblems(doc: Obj): Problem[] {
  const out: Problem[] = [];
  const sd = doc.sensitive_data;
  if (!isObj(sd)) return out;
  const detectors = isObj(sd.detectors) ? sd.detectors : {};
  for (const [p, i] of objectsOf(detectors.custom_patterns)) {
    const base = ['sensitive_data', 'detectors', 'custom_patterns', i];
    if (typeof p.name === 'string' && !NAME.test(p.name)) {
      const fixed = p.name
        .toLowerCase()
        .replace(/[^a-z0-9_]+/g, '_')
        .replace(/^[^a-z]+/, '')
        .slice(0, 64);
      out.push({
        code: 'preloop/custom-pattern-name',
        severity: 'error',
        message: `Custom pattern name '${p.name}' must match ^[a-z][a-z0-9_]{0,63}$`,
        path: [...base, 'name'],
        target: 'value',
        ...(fixed
          ? {
              fixes: [
                {
                  kind: 'replaceValue' as const,
                  value: fixed,
                  title: `Rename to "${fixed}"`,
                  preferred: true,
                },
              ],
            }
          : {}),
      });
    } else if (typeof p.name === 'string' && BUILTIN_TYPES.includes(p.name))
      out.push({
        code: 'preloop/custom-pattern-name',
        severity: 'error',
        message: `Custom pattern name '${p.name}' shadows the built-in PII type '${p.name}'`,
        path: [...base, 'name'],
        target: 'value',
      });
    const back = typeof p.regex === 'string' ? backReference(p.regex) : undefined;
    // The `x` flag (verbose) and Python-only forms are Python's to judge, not JavaScript's.
    const judged =
      typeof p.regex === 'string' &&
      !pythonOnlyRegex(p.regex) &&
      !(Array.isArray(p.flags) && p.flags.includes('x'));
    const invalid = judged && !back ? regexSyntaxError(p.regex as string) : undefined;
    if (back)
      out.push({
        code: 'preloop/custom-pattern-regex',
        severity: 'error',
        message: `Custom pattern uses the back-reference ${back}: Preloop does not accept back-references in custom patterns; Policy Lens's eval detects nothing with it`,
        path: [...base, 'regex'],
        target: 'value',
      });
    else if (invalid !== undefined)
      out.push({
        code: 'preloop/custom-pattern-regex',
        severity: 'error',
        message: `Custom pattern regex is not a valid regular expression: ${invalid}. Preloop cannot compile it; Policy Lens's eval detects nothing with it`,
        path: [...base, 'regex'],
        target: 'value',
      });
    if (typeof p.regex === 'string' && hasNestedQuantifier(p.regex))
      out.push({
        code: 'preloop/regex-nested-quantifier',
        severity: 'error',
        message: `Custom pattern has a nested quantifier (a quantified group containing a quantifier, like (a+)+), which can backtrack catastrophically; Preloop rejects it. Preloop reports this only after the pattern's name is valid.`,
        path: [...base, 'regex'],
        target: 'value',
      });
  }
  for (const [r, i] of objectsOf(sd.rules))
    if (r.redact_upstream === true && r.action !== 'redact')
      out.push({
        code: 'preloop/redact-upstream',
        severity: 'error',
        message: `sensitive_data rule '${String(r.id)}': redact_upstream requires action 'redact'`,
        path: ['sensitive_data', 'rules', i, 'redact_upstream'],
        target: 'value',
      });
  return out;
}
