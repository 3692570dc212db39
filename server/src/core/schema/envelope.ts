/**
 * An Execlave API response saved as a file, as `curl` writes it: `{"data": {…}}` for one policy,
 * `{"data": [ … ], "meta": {…}}` for the list. Where the schema names server keys, the file gets
 * one finding on `data` that says what it is, instead of one per missing field.
 */
import { listed } from '../text';
import type { SchemaObject } from './compile';

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The policies the envelope holds: one for `{"data": {…}}`, the list's objects, else undefined. A
 * list is the API's by the policies it holds: an item that is no object (a hand-edited file) does
 * not make it something else, it is named in the message.
 */
function envelopePolicies(data: unknown): number | undefined {
  if (!isObj(data)) return undefined;
  const inner = data.data;
  if (isObj(inner)) return 1;
  const policies = Array.isArray(inner) ? inner.filter(isObj).length : 0;
  return policies > 0 ? policies : undefined;
}

/** Whether `data` is an API response's envelope and `schema` the bundle's (it names server keys). */
export function isEnvelope(data: unknown, schema: SchemaObject): boolean {
  return Array.isArray(schema['x-serverKeys']) && envelopePolicies(data) !== undefined;
}

/** How many items the message names that are not policies before it counts the rest. */
const MAX_NAMED = 3;

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? 'a string' : `a ${typeof v}`;
}

/** `; data[1] (a string) is not a policy`, for the list's items that are no object, or nothing. */
function notPolicies(items: readonly unknown[]): string {
  const odd = items.flatMap((v, i) => (isObj(v) ? [] : [`data[${i}] (${kindOf(v)})`]));
  if (!odd.length) return '';
  return `; ${listed(odd, (x) => x, MAX_NAMED)} ${odd.length === 1 ? 'is not a policy' : 'are not policies'}`;
}

/** The message on `data`: a single response holds the bundle, a list is for `policylens export`. */
export function envelopeMessage(data: unknown): string {
  const inner = isObj(data) ? data.data : undefined;
  if (!Array.isArray(inner))
    return 'unknown key "data": this is an API response ({"data": …}); a bundle is the policy inside it, without the server\'s fields';
  const n = inner.filter(isObj).length;
  return `unknown key "data": this is the API's list of policies ({"data": [ … ]}, ${n} ${n === 1 ? 'policy' : 'policies'}${notPolicies(inner)}); a bundle is one policy a file: move this file away and run \`policylens export <dir>\`, which writes one for each live policy`;
}
