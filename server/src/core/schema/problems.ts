import type { ErrorObject } from 'ajv';
import type { PathSegment } from '../parse/ast';
import { displayPath } from '../parse/ast';
import { renameOrRemoveKey, type FixSpec, type Problem } from '../problem';
import { didYouMean, nearest } from '../suggest';
import type { SchemaObject } from './compile';
import { envelopeMessage, isEnvelope } from './envelope';
import { skeletonFor } from './navigate';

function pointerToPath(pointer: string): PathSegment[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function prefix(path: PathSegment[]): string {
  const p = displayPath(path);
  return p ? `${p}: ` : '';
}

function show(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : JSON.stringify(v);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  // `1e400` in JSON and `.inf` in YAML read as Infinity: "must be number, not number" said nothing.
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return typeof v === 'number' && Number.isInteger(v) ? 'integer' : typeof v;
}

function skeletonOfParent(parent: SchemaObject, key: string): unknown {
  const sk = parent['x-skeleton'];
  return sk && typeof sk === 'object' ? (sk as Record<string, unknown>)[key] : undefined;
}

/**
 * A missing required key that an unknown sibling key probably misspells (`polcyType` for
 * `policyType`) is one problem, not two: the rename fixes both, so only the unknown key is kept.
 */
function dropShadowedRequired(problems: Problem[]): Problem[] {
  const renamed = new Set<string>();
  for (const p of problems)
    if (p.code === 'schema/unknown-key')
      for (const f of p.fixes ?? [])
        if (f.kind === 'renameKey') renamed.add(`${displayPath(p.path.slice(0, -1))}|${f.to}`);
  return problems.filter(
    (p) => !(p.code === 'schema/required' && renamed.has(`${displayPath(p.path)}|${p.missing}`)),
  );
}

/**
 * Turns ajv's errors into problems a person can act on: one per real problem, at the token that
 * is wrong, in words that name the field and the allowed values, never a schema's internals.
 */
export function problemsFromErrors(
  errors: readonly ErrorObject[],
  root: SchemaObject,
  value: unknown,
  /**
   * Stop after this many problems: each costs a "did you mean" and a message, and the caller
   * reports only so many (findings.ts MAX_FINDINGS_PER_FILE), so a file with 380,000 unknown keys
   * costs what a file with a thousand does.
   */
  limit = Infinity,
): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  const push = (p: Problem) => {
    const key = `${p.code}|${displayPath(p.path)}|${p.target}|${p.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(p);
  };
  for (const e of errors) {
    if (out.length >= limit) break;
    const path = pointerToPath(e.instancePath);
    const parent = (e.parentSchema ?? {}) as SchemaObject;
    switch (e.keyword) {
      case 'if':
      case 'allOf':
      case 'anyOf':
      case 'oneOf':
        // These only repeat what the nested errors already said.
        break;
      case 'required': {
        const missing = (e.params as { missingProperty: string }).missingProperty;
        const data = e.data as Record<string, unknown>;
        const legacy = (parent['x-legacyKeys'] ?? {}) as Record<string, string>;
        // `config` present for a missing `ruleDefinition`: the legacy finding covers it.
        if (Object.entries(legacy).some(([old, cur]) => cur === missing && data && old in data)) break;
        // An API response's envelope: its finding on `data` says what the file is.
        if (path.length === 0 && isEnvelope(data, parent)) break;
        push({
          code: 'schema/required',
          severity: 'error',
          message: `${prefix(path)}missing required property "${missing}"`,
          path,
          target: 'parentKey',
          missing,
          fixes: [
            {
              kind: 'addKeys',
              entries: [
                [missing, skeletonOfParent(parent, missing) ?? skeletonFor(root, value, [...path, missing])],
              ],
              title: `Add "${missing}"`,
              preferred: true,
            },
          ],
        });
        break;
      }
      case 'additionalProperties':
      case 'x-warnUnknownKeys': {
        const key = (e.params as { additionalProperty: string }).additionalProperty;
        const keyPath = [...path, key];
        const legacy = (parent['x-legacyKeys'] ?? {}) as Record<string, string>;
        const data = (e.data ?? {}) as Record<string, unknown>;
        if (legacy[key]) {
          const to = legacy[key];
          const fixes: FixSpec[] =
            to in data
              ? [{ kind: 'removeKey', title: `Remove legacy "${key}" ("${to}" is already set)` }]
              : // The legacy spelling means the same field: renaming it changes nothing but the name.
                [{ kind: 'renameKey', to, title: `Rename "${key}" to "${to}"`, preferred: true, safe: true }];
          push({
            code: 'legacy/key',
            severity: e.keyword === 'additionalProperties' ? 'error' : 'warning',
            message: `${prefix(path)}"${key}" is the legacy spelling of "${to}"${e.keyword === 'additionalProperties' ? '; current servers reject unknown keys' : ''}`,
            path: keyPath,
            target: 'key',
            fixes,
          });
          break;
        }
        // A field the API adds to a policy it returns: the file is an export of a live policy.
        const server = (parent['x-serverKeys'] ?? []) as string[];
        const envelope = path.length === 0 && isEnvelope(data, parent);
        // The list's `meta` (total, limit, offset) is part of the envelope `data` names.
        if (key === 'meta' && envelope) break;
        if (server.includes(key) || (key === 'data' && envelope)) {
          push({
            code: 'schema/unknown-key',
            severity: 'error',
            message:
              key === 'data'
                ? envelopeMessage(data)
                : `unknown key "${key}": the API adds it to the policies it returns (an exported live policy?); a bundle declares only the fields it writes (its fix, or lint --fix, removes the key)`,
            path: keyPath,
            target: 'key',
            fixes:
              key === 'data'
                ? []
                : [
                    {
                      kind: 'removeKey',
                      title: `Remove "${key}" (the server's)`,
                      preferred: true,
                      safe: true,
                    },
                  ],
          });
          break;
        }
        const known = Object.keys((parent.properties as SchemaObject | undefined) ?? {}).filter(
          (k) => !(k in data),
        );
        const near = nearest(key, known);
        const fixes = renameOrRemoveKey(key, near);
        const soft = e.keyword === 'x-warnUnknownKeys';
        push({
          code: soft ? 'schema/unknown-rule-key' : 'schema/unknown-key',
          severity: soft ? 'warning' : 'error',
          message: `${prefix(path)}unknown key "${key}"${near.length ? `; did you mean "${near[0]}"?` : soft ? ' (not a documented key of this rule; it may be ignored)' : ''}`,
          path: keyPath,
          target: 'key',
          fixes,
        });
        break;
      }
      case 'type': {
        const types = (e.params as { type: string | string[] }).type;
        const expected = String(types);
        if (path.length === 0) {
          push({
            code: 'parse/root-not-mapping',
            severity: 'error',
            message:
              e.data === undefined
                ? 'the document is empty: it must be a mapping of fields'
                : `the document must be a mapping of policy fields, not ${typeName(e.data)}`,
            path,
            target: 'value',
          });
          break;
        }
        // An empty value of a closed set (`policyType:` with nothing after it): the enum finding
        // says the same and lists what is allowed, so one problem gets one finding.
        if (e.data === null && Array.isArray(parent.enum)) break;
        const fixes: FixSpec[] = [];
        if (expected === 'array' && e.data !== null && typeof e.data !== 'object')
          fixes.push({ kind: 'wrapInArray', title: `Wrap ${show(e.data)} in an array`, preferred: true });
        if (e.data === null && (expected === 'object' || expected === 'array'))
          fixes.push({
            kind: 'replaceValue',
            value: skeletonFor(root, value, path),
            title: `Fill in ${displayPath(path)}`,
            preferred: true,
          });
        if (expected === 'string' && (typeof e.data === 'number' || typeof e.data === 'boolean'))
          fixes.push({
            kind: 'replaceValue',
            value: String(e.data),
            title: `Quote ${String(e.data)}`,
            preferred: true,
          });
        push({
          code: 'schema/type',
          severity: 'error',
          // Several types read as words: "number or null", not ajv's "number,null".
          message: `${prefix(path)}must be ${Array.isArray(types) ? types.join(' or ') : types}${e.data === null ? ' (it is empty)' : `, not ${typeName(e.data)}`}`,
          path,
          target: 'value',
          fixes,
        });
        break;
      }
      case 'enum':
      case 'x-knownValues': {
        const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
        const v = e.data;
        const legacy = (parent['x-legacyValues'] ?? {}) as Record<string, string>;
        const rejected = (parent['x-rejectedValues'] ?? {}) as Record<string, string>;
        const field = displayPath(path);
        if (typeof v === 'string' && legacy[v]) {
          push({
            code: 'legacy/value',
            severity: 'error',
            message: `${prefix(path)}"${v}" is the legacy spelling of "${legacy[v]}"`,
            path,
            target: 'value',
            fixes: [
              {
                kind: 'replaceValue',
                value: legacy[v],
                title: `Replace with "${legacy[v]}"`,
                preferred: true,
                safe: true,
              },
            ],
          });
          break;
        }
        const near = typeof v === 'string' ? nearest(v, allowed) : [];
        // The values offered as replacements: the nearest, else all of a short list.
        const candidates = near.length ? near : allowed.length <= 6 ? allowed : [];
        if (typeof v === 'string' && rejected[v]) {
          // A value the product refuses here is no typo: the replacements change the meaning, so
          // none is preferred (a tool condition's `notify` may become `deny` or `allow`).
          push({
            code: 'schema/enum',
            severity: 'error',
            message: `${prefix(path)}"${v}" is not accepted: ${rejected[v]}`,
            path,
            target: 'value',
            fixes: candidates.map((c) => ({
              kind: 'replaceValue' as const,
              value: c,
              title: `Replace with "${c}"`,
            })),
          });
          break;
        }
        const soft = e.keyword === 'x-knownValues';
        // An empty value where only a type is wrong: the type finding already reports it.
        if (v === null && soft) break;
        push({
          code: soft ? 'schema/unknown-value' : 'schema/enum',
          severity: soft ? 'warning' : 'error',
          message: soft
            ? `${field}: ${show(v)} is not a known value (known: ${allowed.join(', ')})${near.length ? `; did you mean "${near[0]}"?` : ''}`
            : v === null
              ? `${field}: is empty; must be one of ${allowed.join(', ')}`
              : `${field}: ${show(v)} is not one of ${allowed.join(', ')}${typeof v === 'string' ? didYouMean(v, allowed) : ''}`,
          path,
          target: 'value',
          fixes: candidates.map((c, i) => ({
            kind: 'replaceValue' as const,
            value: c,
            title: `Replace with "${c}"`,
            preferred: near.length > 0 && i === 0 && (near.length === 1 || !soft),
          })),
        });
        break;
      }
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        const { comparison, limit } = e.params as { comparison: string; limit: number };
        const lo = parent.minimum ?? parent.exclusiveMinimum;
        const hi = parent.maximum ?? parent.exclusiveMaximum;
        const range = lo !== undefined && hi !== undefined ? ` (allowed: ${String(lo)}–${String(hi)})` : '';
        push({
          code: 'schema/range',
          severity: 'error',
          message: `${prefix(path)}${show(e.data)} must be ${comparison} ${limit}${range}`,
          path,
          target: 'value',
        });
        break;
      }
      case 'maxItems':
      case 'minItems': {
        const { limit } = e.params as { limit: number };
        const n = Array.isArray(e.data) ? e.data.length : 0;
        push({
          code: 'schema/item-count',
          severity: 'error',
          message: `${prefix(path)}has ${n} items; ${e.keyword === 'maxItems' ? 'at most' : 'at least'} ${limit} allowed`,
          path,
          target: 'value',
        });
        break;
      }
      case 'uniqueItems': {
        const { i, j } = e.params as { i: number; j: number };
        const later = Math.max(i, j);
        const earlier = Math.min(i, j);
        const item = Array.isArray(e.data) ? e.data[later] : undefined;
        push({
          code: 'schema/duplicate-item',
          severity: 'error',
          message: `${displayPath([...path, later])}: ${show(item)} duplicates item ${earlier}`,
          path: [...path, later],
          target: 'value',
          fixes: [
            { kind: 'removeItem', title: `Remove the duplicate ${show(item)}`, preferred: true, safe: true },
          ],
        });
        break;
      }
      case 'minLength':
      case 'maxLength': {
        const { limit } = e.params as { limit: number };
        push({
          code: 'schema/length',
          severity: 'error',
          message:
            e.keyword === 'minLength' && limit === 1
              ? `${prefix(path)}must not be empty`
              : `${prefix(path)}must be ${e.keyword === 'minLength' ? 'at least' : 'at most'} ${limit} characters`,
          path,
          target: 'value',
        });
        break;
      }
      default:
        push({
          code: 'schema/invalid',
          severity: 'error',
          message: `${prefix(path)}${e.message ?? 'is invalid'}`,
          path,
          target: 'value',
        });
    }
  }
  return dropShadowedRequired(out);
}
