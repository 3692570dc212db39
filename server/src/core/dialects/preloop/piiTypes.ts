import type { PathSegment } from '../../parse/ast';
import { BUILTIN_TYPES } from './sensitive';

/** A PII type a list may name, and where it is declared when the document declares it. */
export interface PiiTypeCandidate {
  label: string;
  detail: string;
  declaredAt?: PathSegment[];
}

/**
 * Whether `path` is an item of a list of PII types: a model_io rule's `detectors.pii.types`,
 * `sensitive_data.detectors.types` or a `sensitive_data` rule's `types`.
 */
export function isPiiTypeItem(path: readonly PathSegment[]): boolean {
  const n = path.length;
  if (typeof path[n - 1] !== 'number' || path[n - 2] !== 'types') return false;
  if (path[0] === 'model_io') return n === 6 && path[2] === 'detectors' && path[3] === 'pii';
  if (path[0] !== 'sensitive_data') return false;
  return (n === 4 && path[1] === 'detectors') || (n === 5 && path[1] === 'rules');
}

/**
 * The PII types a list item may name (Preloop: "the name of a custom pattern or keyword list" or a
 * built-in type): the document's custom patterns and keyword lists first, then the built-in types;
 * the types the list already names are left out.
 */
export function piiTypeCandidates(value: unknown, path: readonly PathSegment[]): PiiTypeCandidate[] {
  const doc = (value ?? {}) as Record<string, unknown>;
  const list = path.slice(0, -1).reduce<unknown>((cur, seg) => (isRecord(cur) ? cur[seg] : undefined), value);
  const index = path[path.length - 1];
  const taken = new Set(Array.isArray(list) ? list.filter((_v, i) => i !== index) : []);
  const detectors = isRecord(doc.sensitive_data) ? doc.sensitive_data.detectors : undefined;
  const out: PiiTypeCandidate[] = [];
  const seen = new Set<string>();
  const add = (c: PiiTypeCandidate) => {
    if (taken.has(c.label) || seen.has(c.label)) return;
    seen.add(c.label);
    out.push(c);
  };
  for (const [key, detail] of [
    ['custom_patterns', 'custom pattern'],
    ['keywords', 'keyword list'],
  ] as const) {
    const declared = isRecord(detectors) ? detectors[key] : undefined;
    if (!Array.isArray(declared)) continue;
    declared.forEach((d, i) => {
      if (isRecord(d) && typeof d.name === 'string' && d.name)
        add({ label: d.name, detail, declaredAt: ['sensitive_data', 'detectors', key, i, 'name'] });
    });
  }
  for (const t of BUILTIN_TYPES) add({ label: t, detail: 'built-in PII type' });
  return out;
}

function isRecord(v: unknown): v is Record<string | number, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
