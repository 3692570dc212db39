import type { ValidateFunction } from 'ajv/dist/2020';
import { compile, PRECOMPILED } from './precompiled';

export type SchemaObject = Record<string, unknown>;

const compiled = new Map<SchemaObject, ValidateFunction>();

/**
 * A validator per schema, once per process. In the bundles, every validator was written out as
 * standalone code at build time (precompiled.ts, replaced by esbuild.mjs), so a process starts
 * without compiling any schema or loading ajv's compiler; from the sources (tests), precompiled.ts
 * compiles the schema with ajv (ajv.ts).
 */
export function validatorFor(schema: SchemaObject): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    const id = typeof schema.$id === 'string' ? schema.$id : undefined;
    v = (id && PRECOMPILED?.[id]) || compile?.(schema);
    if (!v) throw new Error(`the schema ${id ?? '(no $id)'} was not precompiled into this bundle`);
    compiled.set(schema, v);
  }
  return v;
}
