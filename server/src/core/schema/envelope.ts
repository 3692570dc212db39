/**
 * An Execlave API response saved as a file, as `curl` writes it: `{"data": {…}}` for one policy,
 * `{"data": [ … ], "meta": {…}}` for the list. Where the schema names server keys, the file gets
 * one finding on `data` that says what it is, instead of one per missing field.
 */
import type { SchemaObject } from './compile';

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The policies the envelope holds: one for `{"data": {…}}`, the list's objects, else undefined. */
function envelopePolicies(data: unknown): number | undefined {
  if (!isObj(data)) return undefined;
  const inner = data.data;
  if (isObj(inner)) return 1;
  if (Array.isArray(inner) && inner.length > 0 && inner.every(isObj)) return inner.length;
  return undefined;
}

/** Whether `data` is an API response's envelope and `schema` the bundle's (it names server keys). */
export function isEnvelope(data: unknown, schema: SchemaObject): boolean {
  return Array.isArray(schema['x-serverKeys']) && envelopePolicies(data) !== undefined;
}

/** The message on `data`: a single response holds the bundle, a list is for `policylens export`. */
export function envelopeMessage(data: unknown): string {
  const inner = isObj(data) ? data.data : undefined;
  if (!Array.isArray(inner))
    return 'unknown key "data": this is an API response ({"data": …}); a bundle is the policy inside it, without the server\'s fields';
  const n = inner.length;
  return `unknown key "data": this is the API's list of policies ({"data": [ … ]}, ${n} ${n === 1 ? 'policy' : 'policies'}); a bundle is one policy a file: move this file away and run \`policylens export <dir>\`, which writes one for each live policy`;
}
