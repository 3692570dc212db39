/**
 * Field-level differences between two JSON values, as the plan prints them:
 * `enforcementMode: "log_only" → "block"`, `ruleDefinition.tools[1]: "a" → "b"`.
 */
import { displayPath, type PathSegment } from '../parse/ast';
import { sameJson } from './hash';
import type { FieldChange } from './types';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The changes that turn `from` into `to`. Objects are compared key by key (keys of `to` first, in
 * their order, then keys only `from` has). Arrays of equal length are compared item by item; an array
 * that grew or shrank is one change of the whole array, because "item 3 changed, item 4 added" reads
 * worse than the two lists side by side.
 */
export function diffValues(from: unknown, to: unknown, path: PathSegment[] = []): FieldChange[] {
  if (sameJson(from, to)) return [];
  if (isObject(from) && isObject(to)) {
    const keys = [...Object.keys(to), ...Object.keys(from).filter((k) => !(k in to))];
    return keys.flatMap((k) => diffValues(from[k], to[k], [...path, k]));
  }
  // A list compared as a set (normalize.ts sorts it) is one change of the whole list: item by item,
  // [Sa, Sb] → [Sb, Sc] read as two changes that do not happen (Sb stays; a field test).
  const isSet = path.length === 1 && SET_FIELDS.has(path[0] as string);
  if (Array.isArray(from) && Array.isArray(to) && from.length === to.length && path.length > 0 && !isSet) {
    return to.flatMap((item, i) => diffValues(from[i], item, [...path, i]));
  }
  const change: FieldChange = { path: displayPath(path) };
  if (from !== undefined) change.from = from;
  if (to !== undefined) change.to = to;
  return [change];
}

/** The top-level lists whose order carries no meaning (normalize.ts compares them as sets). */
const SET_FIELDS: ReadonlySet<string> = new Set(['prerequisites', 'appliesToAgents']);

const MAX_VALUE_TEXT = 200;

/** A value as the plan prints it: JSON, `(absent)` for a missing one, long values cut short. */
export function showValue(v: unknown): string {
  if (v === undefined) return '(absent)';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > MAX_VALUE_TEXT ? `${text.slice(0, MAX_VALUE_TEXT - 1)}…` : text;
}

/** A value as a CodeLens shows it: strings bare (`log_only → block`), the rest as short JSON. */
export function showShort(v: unknown): string {
  if (v === undefined) return '(absent)';
  if (typeof v === 'string') return v.length > 30 ? `${v.slice(0, 29)}…` : v;
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 30 ? `${text.slice(0, 29)}…` : text;
}

/** `enforcementMode: "log_only" → "block"` */
export function formatChange(c: FieldChange): string {
  return `${c.path}: ${showValue(c.from)} → ${showValue(c.to)}`;
}
