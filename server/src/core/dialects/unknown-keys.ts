import type { PathSegment } from '../parse/ast';
import type { SchemaObject } from '../schema/compile';

export interface UnknownKey {
  /** Path of the key itself (its parent object's path plus the key). */
  path: PathSegment[];
  key: string;
  /** Documented keys of the object that are not set yet: rename candidates. */
  unused: string[];
}

function deref(root: SchemaObject, s: SchemaObject): SchemaObject {
  let cur = s;
  for (let guard = 0; guard < 16 && typeof cur.$ref === 'string' && cur.$ref.startsWith('#/'); guard++) {
    let target: unknown = root;
    for (const part of (cur.$ref as string).slice(2).split('/'))
      target = (target as SchemaObject | undefined)?.[part];
    if (!target || typeof target !== 'object') break;
    const { $ref: _ref, ...rest } = cur;
    cur = { ...(target as SchemaObject), ...rest };
  }
  return cur;
}

/**
 * Keys the schema does not document, in objects whose keys it lists and that do not already
 * report them through ajv (`additionalProperties: false`, `x-warnUnknownKeys`). Preloop and the
 * Agent Sentinel SDK accept such keys and silently ignore them, so each dialect turns these into
 * warnings in its own words.
 */
export function unknownKeys(
  root: SchemaObject,
  value: unknown,
  schema: SchemaObject = root,
  path: PathSegment[] = [],
): UnknownKey[] {
  const out: UnknownKey[] = [];
  const s = deref(root, schema);
  if (Array.isArray(value)) {
    if (s.items && typeof s.items === 'object')
      value.forEach((item, i) => out.push(...unknownKeys(root, item, s.items as SchemaObject, [...path, i])));
    return out;
  }
  if (!value || typeof value !== 'object') return out;
  const obj = value as Record<string, unknown>;
  const props = s.properties as Record<string, SchemaObject> | undefined;
  const extra = s.additionalProperties;
  const reportsItself = extra === false || s['x-warnUnknownKeys'] === true;
  for (const [k, v] of Object.entries(obj)) {
    if (props?.[k]) out.push(...unknownKeys(root, v, props[k], [...path, k]));
    else if (extra && typeof extra === 'object')
      out.push(...unknownKeys(root, v, extra as SchemaObject, [...path, k]));
    else if (props && !reportsItself && extra === undefined)
      out.push({
        path: [...path, k],
        key: k,
        unused: Object.keys(props).filter((p) => !(p in obj) && p !== '$schema'),
      });
  }
  return out;
}
