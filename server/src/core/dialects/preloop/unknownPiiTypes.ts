import type { PathSegment } from '../../parse/ast';
import type { FixSpec, Problem } from '../../problem';
import { SuggestIndex } from '../../suggestIndex';
import { BUILTIN_TYPES } from './sensitive';
import { isObj, objectsOf, type Obj } from './util';

/**
 * The PII types a document may name: Preloop's built-in types and the names of its custom patterns
 * and keyword lists (`sensitive_data.detectors`). The evaluator asks the same question, so a type
 * lint calls unknown is one that eval detects nothing for.
 */
export function knownPiiTypes(doc: unknown): Set<string> {
  const known = new Set(BUILTIN_TYPES);
  const sd = isObj(doc) && isObj(doc.sensitive_data) ? doc.sensitive_data : {};
  const detectors = isObj(sd.detectors) ? sd.detectors : {};
  for (const key of ['custom_patterns', 'keywords'])
    for (const [d] of objectsOf(detectors[key])) if (typeof d.name === 'string' && d.name) known.add(d.name);
  return known;
}

/**
 * Names other products (and Execlave's `denied_pii_types`) use for a Preloop type that no edit
 * distance would find: `ssn` is a US `national_id` in Preloop.
 */
const ALIASES: Record<string, string> = {
  ssn: 'national_id',
  social_security_number: 'national_id',
  dob: 'date_of_birth',
  birth_date: 'date_of_birth',
  phone_number: 'phone',
  ip: 'ip_address',
  name: 'person_name',
  mrn: 'medical_record_number',
};

const pyList = (items: readonly string[]) => `[${items.map((t) => `'${t}'`).join(', ')}]`;

/**
 * Names in a list of PII types that are neither built-in nor declared: Preloop refuses the document
 * (`Unknown PII types: [...]` for `sensitive_data`, `model_io rule '<id>' scans unknown PII types`
 * for a model_io rule). Each is reported at the name, with the nearest known type as a fix.
 */
export function unknownPiiTypeProblems(doc: Obj): Problem[] {
  const out: Problem[] = [];
  const known = knownPiiTypes(doc);
  let index: SuggestIndex | undefined;
  const check = (list: unknown, base: PathSegment[], message: (type: string) => string) => {
    if (!Array.isArray(list)) return;
    list.forEach((t, i) => {
      if (typeof t !== 'string' || known.has(t)) return;
      const alias = ALIASES[t.toLowerCase()];
      const near = alias ? [alias] : (index ??= new SuggestIndex([...known])).nearest(t);
      const fixes: FixSpec[] = near.map((n, k) => ({
        kind: 'replaceValue',
        value: n,
        title: `Replace with "${n}"`,
        preferred: k === 0,
      }));
      out.push({
        code: 'preloop/unknown-pii-type',
        severity: 'error',
        message: `${message(t)}${near.length ? ` Did you mean "${near[0]}"?` : ''}`,
        path: [...base, i],
        target: 'value',
        ...(fixes.length ? { fixes } : {}),
      });
    });
  };
  const supported = `Supported: ${pyList(BUILTIN_TYPES)} or the name of a custom pattern or keyword list`;
  for (const [rule, i] of objectsOf(doc.model_io)) {
    const det = isObj(rule.detectors) ? rule.detectors : {};
    if (isObj(det.pii))
      check(
        det.pii.types,
        ['model_io', i, 'detectors', 'pii', 'types'],
        (t) =>
          `model_io rule '${String(rule.id)}' scans unknown PII types ${pyList([t])}. Define them under sensitive_data.detectors.custom_patterns or keywords (built-in types: ${BUILTIN_TYPES.join(', ')}).`,
      );
  }
  const sd = isObj(doc.sensitive_data) ? doc.sensitive_data : {};
  const detectors = isObj(sd.detectors) ? sd.detectors : {};
  check(
    detectors.types,
    ['sensitive_data', 'detectors', 'types'],
    (t) => `Unknown PII types: ${pyList([t])}. ${supported}.`,
  );
  for (const [rule, i] of objectsOf(sd.rules))
    check(
      rule.types,
      ['sensitive_data', 'rules', i, 'types'],
      (t) => `sensitive_data rule '${String(rule.id)}': Unknown PII types: ${pyList([t])}. ${supported}.`,
    );
  return out;
}
