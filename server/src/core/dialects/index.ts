import { execlave } from './execlave';
import type { Dialect } from './types';

export type { Dialect } from './types';

/** Every dialect Policy Lens knows, the default first. */
export const DIALECTS: Dialect[] = [execlave];

export function getDialect(id: string): Dialect | undefined {
  return DIALECTS.find((d) => d.id === id);
}

/**
 * Which format a document is. A `$schema` key naming a dialect wins; then the content decides;
 * a file that looks like nothing known is read as an Execlave bundle, the primary format, so a
 * half-written bundle still gets its missing fields reported.
 */
export function detectDialect(value: unknown, fileName: string, schemaHint?: string): Dialect {
  const hint =
    schemaHint ??
    (value && typeof value === 'object' && typeof (value as Record<string, unknown>).$schema === 'string'
      ? ((value as Record<string, unknown>).$schema as string)
      : undefined);
  if (hint) {
    const byHint = DIALECTS.find((d) => hint.includes(`/${d.id}/`) || hint === d.id || d.schema.$id === hint);
    if (byHint) return byHint;
  }
  let best: Dialect = execlave;
  let score = 0;
  for (const d of DIALECTS) {
    const s = d.detect(value, fileName);
    if (s > score) {
      best = d;
      score = s;
    }
  }
  return best;
}

/** True when the content looks like a policy of any dialect (the server's content sniffing). */
export function looksLikePolicy(value: unknown, fileName: string): boolean {
  return DIALECTS.some((d) => d.detect(value, fileName) > 0);
}
