export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** The objects of a list, with their indices; anything else in the list is the schema's business. */
export function objectsOf(value: unknown): [Obj, number][] {
  return Array.isArray(value)
    ? value.map((v, i) => [v, i] as [unknown, number]).filter((e): e is [Obj, number] => isObj(e[0]))
    : [];
}

/** How many names a message lists: a document of thousands lists a few and counts the others. */
export const LISTED_NAMES = 10;

/**
 * Preloop prints name sets as Python does; we print them sorted, or "(none)". Past
 * `LISTED_NAMES`, the first ones in that order and how many more: a message per unknown reference
 * that listed all n names of a large document made n² bytes of findings.
 */
export function available(names: readonly string[]): string {
  const sorted = [...new Set(names)].sort();
  if (!sorted.length) return '(none declared)';
  if (sorted.length <= LISTED_NAMES) return sorted.join(', ');
  const more = sorted.length - LISTED_NAMES;
  return `${sorted.slice(0, LISTED_NAMES).join(', ')} and ${more.toLocaleString('en-US')} more`;
}
