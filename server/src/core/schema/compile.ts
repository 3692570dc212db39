import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';

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
];

export type SchemaObject = Record<string, unknown>;

function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({
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
  // Keys outside `properties` of an object that documents its keys: a warning, because the
  // sources rarely document every key, but a typo (`denied_pii_type`) should not pass silently.
  ajv.addKeyword({
    keyword: 'x-warnUnknownKeys',
    type: 'object',
    schemaType: 'boolean',
    errors: true,
    validate: function check(
      this: unknown,
      on: boolean,
      data: Record<string, unknown>,
      parentSchema?: SchemaObject,
    ): boolean {
      if (!on) return true;
      const known = Object.keys((parentSchema?.properties as SchemaObject | undefined) ?? {});
      const legacy = Object.keys((parentSchema?.['x-legacyKeys'] as SchemaObject | undefined) ?? {});
      const extra = Object.keys(data).filter((k) => !known.includes(k));
      const fn = check as unknown as { errors: Partial<ErrorObject>[] };
      fn.errors = extra.map((k) => ({
        keyword: legacy.includes(k) ? 'x-legacyKey' : 'x-warnUnknownKeys',
        params: { additionalProperty: k },
        message: 'unknown key',
        // ajv adds these only to its own keywords' errors; the mapping to findings needs them.
        parentSchema,
        data,
      }));
      return extra.length === 0;
    },
  });
  // Values outside a list of well-known ones: a warning, for lists the sources only sample.
  ajv.addKeyword({
    keyword: 'x-knownValues',
    type: 'string',
    schemaType: 'array',
    errors: true,
    validate: function check(
      this: unknown,
      values: string[],
      data: string,
      parentSchema?: SchemaObject,
    ): boolean {
      const ok = values.includes(data);
      if (!ok)
        (check as unknown as { errors: Partial<ErrorObject>[] }).errors = [
          {
            keyword: 'x-knownValues',
            params: { allowedValues: values },
            message: 'unknown value',
            parentSchema,
            data,
          },
        ];
      return ok;
    },
  });
  return ajv;
}

const ajv = newAjv();
const compiled = new Map<SchemaObject, ValidateFunction>();

/** Compiles a schema once per process; every later call returns the same validator. */
export function validatorFor(schema: SchemaObject): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}
