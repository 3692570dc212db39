import type { ValidateFunction } from 'ajv/dist/2020';
import { compileSchema } from './ajv';
import type { SchemaObject } from './compile';

/**
 * Validators compiled at build time, by schema `$id`. This file is the stand-in the sources run
 * with (nothing precompiled: `compile` compiles at first use, with ajv); esbuild.mjs bundles
 * generated standalone code in its place, with no `compile`, so the bundles leave ajv's compiler out
 * (see `standaloneValidators` in ajv.ts).
 */
export const PRECOMPILED: Readonly<Record<string, ValidateFunction>> | undefined = undefined;

/** Compiles a schema that is not precompiled; absent in the bundles. */
export const compile: ((schema: SchemaObject) => ValidateFunction) | undefined = compileSchema;
