// ajv itself: the schema compiler with our keywords. The sources compile each schema at first use
// through it; the bundles do not contain it (esbuild.mjs writes every validator out as standalone
// code at build time, with `standaloneValidators` below, and bundles that in place of
// precompiled.ts), so a process neither compiles a schema nor loads the compiler.
import Ajv2020, {
  _,
  type CodeKeywordDefinition,
  type KeywordCxt,
  type ValidateFunction,
} from 'ajv/dist/2020';
import { not, or } from 'ajv/dist/compile/codegen';
import standaloneCode from 'ajv/dist/standalone';
import type { SchemaObject } from './compile';

/**
 * Keywords of our own in the schemas. They carry what JSON Schema cannot say but an editor needs
 * (per-value docs, legacy spellings, skeletons for quick-fixes), and two soft checks that become
 * warnings instead of errors.
 */
const ANNOTATIONS = [
  'x-legacyKeys',
  'x-legacyValues',
  'x-rejectedValues',
  'x-enumDescriptions',
  'x-requiredOrder',
  'x-skeleton',
  'x-dialect',
  'x-ignoredKeys',
  'x-ignoreCase',
  'x-serverKeys',
];

/**
 * Keys outside `properties` of an object that documents its keys: a warning, because the sources
 * rarely document every key, but a typo (`denied_pii_type`) should not pass silently. One error per
 * key, like `additionalProperties`; a legacy spelling among them is told apart by problems.ts.
 */
const warnUnknownKeys: CodeKeywordDefinition = {
  keyword: 'x-warnUnknownKeys',
  type: 'object',
  schemaType: 'boolean',
  error: {
    message: 'unknown key',
    params: ({ params }) => _`{additionalProperty: ${params.additionalProperty}}`,
  },
  code(cxt: KeywordCxt) {
    const { gen, data, schema, parentSchema } = cxt;
    if (!schema) return;
    const known = Object.keys((parentSchema.properties as SchemaObject | undefined) ?? {});
    gen.forIn('key', data, (key) => {
      const unknown = known.length ? not(or(...known.map((k) => _`${key} === ${k}`))) : _`true`;
      gen.if(unknown, () => {
        cxt.setParams({ additionalProperty: key });
        cxt.error();
      });
    });
  },
};

/** Values outside a list of well-known ones: a warning, for lists the sources only sample. */
const knownValues: CodeKeywordDefinition = {
  keyword: 'x-knownValues',
  type: 'string',
  schemaType: 'array',
  error: {
    message: 'unknown value',
    params: ({ schemaCode }) => _`{allowedValues: ${schemaCode}}`,
  },
  code(cxt: KeywordCxt) {
    const { data, schemaCode, parentSchema } = cxt;
    // `x-ignoreCase` beside it: the product compares the values without case (Agent Sentinel's
    // approval_risk_levels), so `HIGH` is `high`, no unknown value.
    if ((parentSchema as Record<string, unknown>)['x-ignoreCase'] === true)
      cxt.fail(_`!${schemaCode}.includes(${data}.toLowerCase())`);
    else cxt.fail(_`!${schemaCode}.includes(${data})`);
  },
};

function newAjv(code?: { source: boolean }): Ajv2020 {
  const ajv = new Ajv2020({
    ...(code ? { code } : {}),
    allErrors: true,
    verbose: true,
    strict: true,
    allowUnionTypes: true,
    // Checking our own schemas against the draft 2020-12 meta-schema compiles the meta-schema first,
    // half the start-up of a one-file lint (46 of 90 ms). test/core/schemas.test.ts checks every
    // dialect's schema against it once instead; strict mode still rejects unknown keywords here.
    validateSchema: false,
  });
  for (const k of ANNOTATIONS)
    ajv.addKeyword({ keyword: k, schemaType: ['object', 'array', 'boolean', 'string', 'number'] });
  // Both soft checks generate their code (instead of calling a function at validation time), so a
  // validator can also be written out as standalone code at build time (schema/standalone.ts).
  ajv.addKeyword(warnUnknownKeys);
  ajv.addKeyword(knownValues);
  return ajv;
}

let ajv: Ajv2020 | undefined;

/** Compiles one schema (the sources' path; the bundles have every validator precompiled). */
export function compileSchema(schema: SchemaObject): ValidateFunction {
  return (ajv ??= newAjv()).compile(schema);
}

/**
 * The source of a CommonJS module that exports every given schema's validator by its `$id`, for
 * the build to bundle in place of precompiled.ts. The same keywords and options as at run time.
 */
export function standaloneValidators(schemas: readonly SchemaObject[]): string {
  const gen = newAjv({ source: true });
  const exports: Record<string, string> = {};
  for (const schema of schemas) {
    const id = schema.$id;
    if (typeof id !== 'string') throw new Error('a precompiled schema needs an $id');
    gen.addSchema(schema);
    exports[id] = id;
  }
  return standaloneCode(gen, exports);
}
