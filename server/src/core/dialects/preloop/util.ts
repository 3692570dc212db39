export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** The objects of a list, with their indices; anything else in the list is the schema's business. */
export function objectsOf(value: unknown): [Obj, number][] {
  return Array.isArray(value)
    ? value.map((v, i) => [v, i] as [unknown, number]).filter((e): e is [Obj, number] => isObj(e[0]))
    : [];
}

/** Preloop prints name sets as Python does; we print them sorted, or "(none)". */
export function available(names: readonly string[]): string {
  return names.length ? [...new Set(names)].sort().join(', ') : '(none declared)';
}
