import type { Analysis } from '../analyze';
import { detectDialect, type Dialect } from '../dialects';
import { treeValue, type PathSegment } from '../parse/ast';
import type { SchemaObject } from '../schema/compile';
import { pick, propertiesAt, schemasAt } from '../schema/navigate';

/**
 * A document as the editor features see it: its text, the name the engine was given, the dialect a
 * setting forces (if any) and the engine's analysis. The language server's open documents are one.
 */
export interface AssistDocument {
  readonly text: string;
  readonly fileName: string;
  readonly dialectOverride: string | undefined;
  readonly analysis: Analysis;
}

/** The dialect and the best plain value of a document, also while it does not parse. */
export interface SchemaContext {
  dialect: Dialect;
  value: unknown;
}

export function schemaContextOf(doc: AssistDocument): SchemaContext {
  const { analysis } = doc;
  if (analysis.doc?.value !== undefined) return { dialect: analysis.dialect, value: analysis.doc.value };
  // What survives of a document with a syntax error: the positioned tree's plain value.
  const root = analysis.doc?.root;
  const value = root ? treeValue(root) : undefined;
  if (doc.dialectOverride || value === undefined) return { dialect: analysis.dialect, value };
  // The dialect the diagnostics were made with, when the surviving keys name none.
  return { dialect: detectDialect(value, doc.fileName, undefined, analysis.dialect), value };
}

/** The value at a path of a plain value, or undefined. */
export function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let cur = value;
  for (const seg of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** A short type label: `string`, `number`, `array of string`, `"a" | "b"`. */
export function typeLabel(root: SchemaObject, schemas: readonly SchemaObject[]): string {
  const en = pick<unknown[]>(schemas, 'enum');
  if (en?.length && en.length <= 4) return en.map((v) => JSON.stringify(v)).join(' | ');
  const type = pick<string | string[]>(schemas, 'type');
  const t = Array.isArray(type) ? type.join(' | ') : (type ?? 'any');
  if (t === 'array') {
    const items = pick<SchemaObject>(schemas, 'items');
    if (items && typeof items === 'object') return `array of ${typeLabel(root, [items])}`;
  }
  return en?.length ? `${t} (one of ${en.length})` : t;
}

/** The keys a mapping may have at a path, with which are required (in the schema's order). */
export function keysAt(
  root: SchemaObject,
  value: unknown,
  path: readonly PathSegment[],
): { properties: Map<string, SchemaObject>; required: string[]; schemas: SchemaObject[] } {
  const schemas = schemasAt(root, value, path);
  const required: string[] = [];
  const order = pick<string[]>(schemas, 'x-requiredOrder');
  for (const k of order ?? []) if (!required.includes(k)) required.push(k);
  for (const s of schemas)
    for (const k of (s.required as string[] | undefined) ?? []) if (!required.includes(k)) required.push(k);
  return { properties: propertiesAt(schemas), required, schemas };
}

/** The values a scalar at a path may take: enum, known values and booleans, with their docs. */
export function valuesAt(schemas: readonly SchemaObject[]): { value: unknown; doc?: string }[] {
  const docs = pick<Record<string, string>>(schemas, 'x-enumDescriptions') ?? {};
  const seen = new Set<string>();
  const out: { value: unknown; doc?: string }[] = [];
  const add = (v: unknown) => {
    const k = JSON.stringify(v);
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ value: v, doc: typeof v === 'string' ? docs[v] : undefined });
  };
  for (const s of schemas) {
    if ('const' in s) add(s.const);
    for (const v of (s.enum as unknown[] | undefined) ?? []) add(v);
    for (const v of (s['x-knownValues'] as unknown[] | undefined) ?? []) add(v);
  }
  // `true` and `false` also where a boolean is one of the types (Preloop's `pii: true` or `{types}`).
  const type = pick<string | string[]>(schemas, 'type');
  if (!out.length && (type === 'boolean' || (Array.isArray(type) && type.includes('boolean')))) {
    add(true);
    add(false);
  }
  return out;
}

/**
 * The shapes a value selects through `if`/`then` branches: for `policyType: pii_access`, the keys of
 * its `ruleDefinition`. Works for any dialect whose schema branches on a property's constant.
 */
export function branchShapes(
  root: SchemaObject,
  key: string,
  v: unknown,
): { property: string; keys: Map<string, SchemaObject>; required: string[] }[] {
  const out: { property: string; keys: Map<string, SchemaObject>; required: string[] }[] = [];
  for (const branch of (root.allOf as SchemaObject[] | undefined) ?? []) {
    const cond = (branch.if as SchemaObject | undefined)?.properties as
      Record<string, SchemaObject> | undefined;
    if (!cond?.[key] || cond[key].const !== v) continue;
    const then = (branch.then as SchemaObject | undefined)?.properties as
      Record<string, SchemaObject> | undefined;
    for (const property of Object.keys(then ?? {})) {
      const { properties, required } = keysAt(root, { [key]: v }, [property]);
      out.push({ property, keys: properties, required });
    }
  }
  return out;
}
