/**
 * The text a diff editor shows for each side of a plan entry. The live side comes from the API, whose
 * storage may hand `ruleDefinition` back with its keys in another order than the bundle wrote them
 * (PostgreSQL's JSONB orders keys by length, then bytes); key order carries no meaning, so both sides
 * are rendered the same canonical way and only real changes show as changed lines.
 */
import { comparable, WRITABLE_FIELDS } from './normalize';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every nested mapping with its keys sorted; lists keep their order (it may mean something). */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortedKeys(value[key]);
  return out;
}

/**
 * One side of the diff: the policy in the form plans compare (`comparable`), its top-level fields in
 * the order plans list changes, every nested key sorted, as two-space JSON with a final newline.
 */
export function diffText(
  value: Record<string, unknown>,
  name: string,
  prerequisite: (ref: string) => string,
): string {
  const form: Record<string, unknown> = { name, ...comparable(value, prerequisite) };
  const out: Record<string, unknown> = {};
  for (const field of WRITABLE_FIELDS) if (field in form) out[field] = sortedKeys(form[field]);
  return `${JSON.stringify(out, null, 2)}\n`;
}
