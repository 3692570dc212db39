import { execlave } from './execlave';
import { preloop } from './preloop';
import { callguard } from './callguard';
import { agentsentinel, agentsentinelCompile } from './agentsentinel';
import type { Dialect } from './types';

export type { Dialect } from './types';

/** Every dialect Policy Lens knows, the default first. */
export const DIALECTS: Dialect[] = [execlave, preloop, callguard, agentsentinel, agentsentinelCompile];

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
    const byHint =
      DIALECTS.find((d) => d.schema.$id === hint || hint === d.id) ??
      DIALECTS.find(
        (d) => typeof d.schema.$id === 'string' && schemaTail(hint) === schemaTail(d.schema.$id),
      ) ??
      DIALECTS.find((d) => hint.includes(`/${d.id}/`));
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

/** The folder and file of a schema reference: `agentsentinel/callguard.schema.json`. */
function schemaTail(ref: string): string {
  return ref.split(/[\\/]/).slice(-2).join('/').toLowerCase();
}

/**
 * A schema named in a comment at the top of a YAML file: `# $schema: <ref>` or the
 * yaml-language-server modeline `# yaml-language-server: $schema=<ref>`. Only the leading comment
 * block counts, so a comment further down cannot change what the file is.
 */
export function schemaComment(text: string): string | undefined {
  const head = /^(?:\uFEFF)?(?:[ \t]*(?:#[^\n]*)?\r?\n)*/.exec(text.slice(0, 4096))?.[0] ?? '';
  const m = /#\s*(?:yaml-language-server:\s*)?\$schema\s*[:=]\s*(\S+)/.exec(head);
  return m?.[1];
}
