import fc from 'fast-check';
import YAML from 'yaml';
import type { SchemaObject } from '../../../server/src/core/index';

type Schema = Record<string, unknown>;
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Strings a policy author could plausibly type, plus the awkward ones a serialiser must quote:
 * YAML indicators, quotes, newlines, non-BMP characters. Both kinds are valid string values.
 */
const anyText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 8, unit: 'grapheme' }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '- x',
      '#',
      ': ',
      '"',
      "'",
      'a\nb',
      'yes',
      'null',
      '0x1F',
      '&a',
      '*a',
      '\t',
      '😀',
    ),
  },
);

/** CEL the engine accepts; the CEL checker is not what this property is about. */
const celExpressions = fc.constantFrom(
  'cost > 1.0',
  'environment == "production" && cost > 2.5',
  '"delete_database" in tools',
  'size(input) > 10000',
  'metadata.team == "payments"',
);

function resolve(schema: Schema, root: Schema): Schema {
  let s = schema;
  for (let i = 0; i < 10 && typeof s.$ref === 'string'; i++) {
    const path = (s.$ref as string).replace(/^#\//, '').split('/');
    let target: unknown = root;
    for (const p of path) target = isObj(target) ? target[p] : undefined;
    s = isObj(target) ? target : {};
  }
  return s;
}

/**
 * Values that satisfy a JSON Schema, built from its enums, types and bounds. It covers the subset
 * the dialect schemas use; the Execlave `allOf`/`if`/`then` on `policyType` is handled by
 * `execlaveBundle`, which picks the type first and the rule definition after it.
 */
export function valueFor(schemaIn: Schema, root: Schema, depth = 0, key = ''): fc.Arbitrary<unknown> {
  const schema = resolve(schemaIn, root);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if (Array.isArray(schema['x-knownValues']))
    return fc.constantFrom(...(schema['x-knownValues'] as unknown[]));
  if (isObj(schema.then) && Array.isArray(schema.then.enum))
    return fc.constantFrom(...(schema.then.enum as unknown[]));
  const alts = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (Array.isArray(alts) && alts.length)
    return fc.oneof(...alts.map((a) => valueFor(a, root, depth + 1, key)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': {
      if (key === 'expression') return celExpressions;
      const min = Math.max(1, (schema.minLength as number | undefined) ?? 1);
      const max = Math.min((schema.maxLength as number | undefined) ?? 40, 40);
      return anyText.filter((s) => s.length >= min && s.length <= max);
    }
    case 'integer': {
      const min = (schema.minimum as number | undefined) ?? -1000;
      const max = (schema.maximum as number | undefined) ?? Math.max(min + 1000, 1000);
      return fc.integer({ min, max });
    }
    case 'number': {
      const exclusive = schema.exclusiveMinimum as number | undefined;
      const min =
        exclusive !== undefined ? exclusive + 0.01 : ((schema.minimum as number | undefined) ?? -1000);
      const max = (schema.maximum as number | undefined) ?? Math.max(min + 10000, 10000);
      // Two decimals keep every value exactly representable in YAML and JSON alike.
      return fc.integer({ min: Math.ceil(min * 100), max: Math.floor(max * 100) }).map((n) => n / 100);
    }
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const items = isObj(schema.items) ? schema.items : {};
      const minLength = (schema.minItems as number | undefined) ?? 0;
      const maxLength = Math.max(
        minLength,
        Math.min((schema.maxItems as number | undefined) ?? 3, depth > 3 ? 0 : 3),
      );
      const item = valueFor(items, root, depth + 1, key);
      return schema.uniqueItems
        ? fc.uniqueArray(item, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
        : fc.array(item, { minLength, maxLength });
    }
    case 'object':
    case undefined: {
      const props = isObj(schema.properties) ? (schema.properties as Record<string, Schema>) : undefined;
      if (!props) {
        if (type === undefined) return fc.jsonValue({ maxDepth: 1 });
        return fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), {
          maxKeys: 3,
        });
      }
      const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
      const keys = Object.keys(props).filter((k) => k !== '$schema' && (depth < 4 || required.includes(k)));
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const k of keys) model[k] = valueFor(props[k], root, depth + 1, k);
      return fc.record(model, { requiredKeys: required.filter((k) => keys.includes(k)) });
    }
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

/** A valid Execlave bundle: the policy type is chosen first and decides the rule definition. */
export function execlaveBundle(schema: SchemaObject): fc.Arbitrary<Obj> {
  const root = schema as Schema;
  const props = root.properties as Record<string, Schema>;
  const defs = root.$defs as Record<string, Schema>;
  const types = props.policyType.enum as string[];
  return fc
    .constantFrom(...types)
    .chain((policyType) => {
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, s] of Object.entries(props)) {
        if (k === '$schema' || k === 'policyType') continue;
        model[k] = k === 'ruleDefinition' ? valueFor(defs[policyType], root, 1) : valueFor(s, root, 1, k);
      }
      return fc
        .record(model, { requiredKeys: ['name', 'enforcementMode', 'ruleDefinition'] })
        .map((rest) => ({ policyType, ...rest }) as Obj);
    })
    .map((b) => {
      // A bundle that names itself as its prerequisite is invalid by rule, not by schema.
      if (Array.isArray(b.prerequisites)) b.prerequisites = b.prerequisites.filter((p) => p !== b.name);
      return b;
    });
}

/** Ways to break a valid value: each yields something a user could have typed by mistake. */
export type Breakage =
  | { kind: 'drop'; index: number }
  | { kind: 'retype'; index: number; value: unknown }
  | { kind: 'unknown'; key: string; value: unknown }
  | { kind: 'legacy'; key: string }
  | { kind: 'root'; value: unknown };

export const breakage: fc.Arbitrary<Breakage> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), index: fc.nat(20) }),
  fc.record({
    kind: fc.constant('retype' as const),
    index: fc.nat(20),
    value: fc.jsonValue({ maxDepth: 2 }),
  }),
  fc.record({
    kind: fc.constant('unknown' as const),
    key: fc.oneof(
      fc.string({ minLength: 1, maxLength: 10 }),
      fc.constantFrom('polcyType', 'enforcement', 'rules'),
    ),
    value: fc.jsonValue({ maxDepth: 1 }),
  }),
  fc.record({
    kind: fc.constant('legacy' as const),
    key: fc.constantFrom('config', 'agentIds', 'active', 'maxCostPerDay', 'hard_block'),
  }),
  fc.record({ kind: fc.constant('root' as const), value: fc.jsonValue({ maxDepth: 2 }) }),
);

/** Applies breakages to a copy of the value, walking into `ruleDefinition` half of the time. */
export function breakValue(value: Obj, breaks: Breakage[]): unknown {
  let out: unknown = structuredClone(value);
  for (const b of breaks) {
    if (!isObj(out)) break;
    const target = isObj(out.ruleDefinition) && breaks.indexOf(b) % 2 ? out.ruleDefinition : out;
    const keys = Object.keys(target);
    if (b.kind === 'drop' && keys.length) delete target[keys[b.index % keys.length]];
    else if (b.kind === 'retype' && keys.length) target[keys[b.index % keys.length]] = b.value;
    else if (b.kind === 'unknown') target[b.key] = b.value;
    else if (b.kind === 'legacy') {
      if (b.key === 'hard_block') out.enforcementMode = 'hard_block';
      else target[b.key] = true;
    } else if (b.kind === 'root') out = b.value;
  }
  return out;
}

export type Style = 'yaml-block' | 'yaml-flow' | 'json';
export const styles: fc.Arbitrary<Style> = fc.constantFrom('yaml-block', 'yaml-flow', 'json');

/** Writes a value as a policy file in one of the three shapes users write. */
export function serialise(value: unknown, style: Style): { text: string; fileName: string } {
  if (style === 'json') return { text: JSON.stringify(value, null, 2) + '\n', fileName: 'policy.json' };
  const text =
    style === 'yaml-flow'
      ? YAML.stringify(value, { collectionStyle: 'flow', lineWidth: 0 })
      : YAML.stringify(value, { lineWidth: 0 });
  return { text, fileName: 'policy.yaml' };
}

/** A text mutation as an editor produces it: typing, deleting a selection, pasting a slice. */
export type Mutation =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'paste'; at: number; source: number; from: number; length: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.constantFrom(
        '\n',
        '  ',
        '\t',
        ':',
        '- ',
        '{',
        '}',
        '[',
        ']',
        '"',
        ',',
        '&x ',
        '*x',
        '\r\n',
        '\uFEFF',
        '---\n',
      ),
    ),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    kind: fc.constant('paste' as const),
    at: fc.nat(),
    source: fc.nat(),
    from: fc.nat(),
    length: fc.integer({ min: 1, max: 400 }),
  }),
);

/** The edit a mutation makes on `text`, clamped into it; `corpus` supplies pasted slices. */
export function editFor(
  text: string,
  m: Mutation,
  corpus: readonly string[],
): { start: number; end: number; newText: string } {
  const at = m.at % (text.length + 1);
  if (m.kind === 'insert') return { start: at, end: at, newText: m.text };
  if (m.kind === 'delete') return { start: at, end: Math.min(text.length, at + m.length), newText: '' };
  const src = corpus[m.source % corpus.length] ?? '';
  const from = m.from % (src.length + 1);
  return { start: at, end: at, newText: src.slice(from, from + m.length) };
}

export function applyEdit(text: string, e: { start: number; end: number; newText: string }): string {
  return text.slice(0, e.start) + e.newText + text.slice(e.end);
}
