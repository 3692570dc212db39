import type { ValidateFunction } from 'ajv/dist/2020';

/**
 * Validators compiled at build time, by schema `$id`. This file is the stand-in the sources run
 * with (nothing precompiled: compile.ts compiles at first use); esbuild.mjs bundles generated
 * standalone code in its place (see `standaloneValidators`).
 */
export const PRECOMPILED: Readonly<Record<string, ValidateFunction>> | undefined = undefined;
