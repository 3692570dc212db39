import type { PathSegment } from '../parse/ast';
import type { SchemaObject } from './compile';

/** Resolves a local `$ref` (`#/$defs/x`) against the root schema. */
function deref(root: SchemaObject, s: SchemaObject): SchemaObject {
  let cur = s;
  for (let guard = 0; guard < 16 && typeof cur.$ref === 'string'; guard++) {
    const ref = cur.$ref as string;
    if (!ref.startsWith('#/')) break;
    let target: unknown = root;
    for (const part of ref.slice(2).split('/')) target = (target as SchemaObject | undefined)?.[part];
    if (!target || typeof target !== 'object') break;
    const { $ref: _ignored, ...rest } = cur;
    cur = { ...(target as SchemaObject), ...rest };
  }
  return cur;
}

/**
 * Whether `data` matches an `if` schema. Our schemas only branch on constants of sibling
 * properties (`policyType: expression`), which this checks exactly; anything else is treated as
 * not matching, so the branch contributes nothing rather than something wrong.
 */
function matchesIf(cond: SchemaObject, data: unknown): boolean {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return false;
  const obj = data as Record<string, unknown>;
  for (const r of (cond.required as string[] | undefined) ?? []) if (!(r in obj)) return false;
  const props = (cond.properties ?? {}) as Record<string, SchemaObject>;
  for (const [k, s] of Object.entries(props)) {
    if (!(k in obj)) continue;
    if ('const' in s && obj[k] !== s.const) return false;
    if (Array.isArray(s.enum) && !s.enum.includes(obj[k])) return false;
  }
  return true;
}

/** The schemas that apply to the data at this level: itself, its `allOf`, and matching `then`s. */
function expand(root: SchemaObject, s: SchemaObject, data: unknown): SchemaObject[] {
  const base = deref(root, s);
  const out = [base];
  for (const sub of (base.allOf as SchemaObject[] | undefined) ?? []) out.push(...expand(root, sub, data));
  if (base.if && base.then && matchesIf(base.if as SchemaObject, data))
    out.push(...expand(root, base.then as SchemaObject, data));
  return out;
}

/**
 * Every schema that applies at `path` of the document `value` (the property schema and, for a
 * `ruleDefinition`, the branch of its `policyType`). Completion, hover and quick-fixes share it.
 */
export function schemasAt(root: SchemaObject, value: unknown, path: readonly PathSegment[]): SchemaObject[] {
  let level = expand(root, root, value);
  let data: unknown = value;
  for (const seg of path) {
    const next: SchemaObject[] = [];
    const childData =
      data && typeof data === 'object'
        ? (data as Record<string | number, unknown>)[seg as string]
        : undefined;
    for (const s of level) {
      if (typeof seg === 'string') {
        const p = (s.properties as Record<string, SchemaObject> | undefined)?.[seg];
        if (p) next.push(...expand(root, p, childData));
        // A map keyed by name (Agent Sentinel's `rate_limits.<action>`): every key has one schema.
        else if (s.additionalProperties && typeof s.additionalProperties === 'object')
          next.push(...expand(root, s.additionalProperties as SchemaObject, childData));
      } else if (s.items && typeof s.items === 'object') {
        next.push(...expand(root, s.items as SchemaObject, childData));
      }
    }
    level = next;
    data = childData;
    if (!level.length) break;
  }
  return level;
}

/** The first value of `key` among the schemas that apply. */
export function pick<T>(schemas: readonly SchemaObject[], key: string): T | undefined {
  for (const s of schemas) if (s[key] !== undefined) return s[key] as T;
  return undefined;
}

/** All documented properties at a level, merged over the applicable schemas, in schema order. */
export function propertiesAt(schemas: readonly SchemaObject[]): Map<string, SchemaObject> {
  const out = new Map<string, SchemaObject>();
  for (const s of schemas)
    for (const [k, v] of Object.entries((s.properties as Record<string, SchemaObject> | undefined) ?? {}))
      out.set(k, { ...(out.get(k) ?? {}), ...v });
  return out;
}

/** A valid starting value for the property at `path`: its skeleton, default, first enum value. */
export function skeletonFor(root: SchemaObject, value: unknown, path: readonly PathSegment[]): unknown {
  const schemas = schemasAt(root, value, path);
  const skeleton = pick<unknown>(schemas, 'x-skeleton');
  if (skeleton !== undefined) return skeleton;
  const def = pick<unknown>(schemas, 'default');
  if (def !== undefined) return def;
  const en = pick<unknown[]>(schemas, 'enum');
  if (en?.length) return en[0];
  switch (pick<string>(schemas, 'type')) {
    case 'object':
      return {};
    case 'array':
      return [];
    case 'boolean':
      return true;
    case 'integer':
    case 'number':
      return pick<number>(schemas, 'minimum') ?? 0;
    default:
      return '';
  }
}
