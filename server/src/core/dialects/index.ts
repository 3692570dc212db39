import { execlave } from './execlave';
import { preloop } from './preloop';
import { callguard } from './callguard';
import { agentsentinel, agentsentinelCompile } from './agentsentinel';
import type { Finding } from '../findings';
import { nearest } from '../suggest';
import {
  byContent,
  dialectComment,
  dialectCommentAt,
  dialectOfSchema,
  recognize as recognizeWith,
  schemaComment,
  type Recognition,
  type RecognizedBy,
} from './detect';
import { AZURE_POLICY } from './recognizers';
import type { Dialect } from './types';

export type { Dialect } from './types';
export { dialectComment, schemaComment, type Recognition, type RecognizedBy } from './detect';

/** Every dialect Policy Lens knows, the default first. */
export const DIALECTS: Dialect[] = [execlave, preloop, callguard, agentsentinel, agentsentinelCompile];

export function getDialect(id: string): Dialect | undefined {
  return DIALECTS.find((d) => d.id === id);
}

/**
 * Which format a document is, once it is known to be a policy (or forced to be read as one). A
 * `$schema` key or a hint naming a dialect wins; then the content decides, down to a document of one
 * dialect's keys only (`version:` alone is Preloop's); a file that looks like nothing known is read
 * as `fallback` (completion in a text that does not parse: the format its diagnostics were made
 * with), else as an Execlave bundle, the primary format, so a half-written bundle still gets its
 * missing fields reported. Whether a file is a policy at all is `recognize`'s question.
 */
export function detectDialect(
  value: unknown,
  fileName: string,
  schemaHint?: string,
  fallback?: Dialect,
): Dialect {
  const hint =
    schemaHint ??
    (value && typeof value === 'object' && typeof (value as Record<string, unknown>).$schema === 'string'
      ? ((value as Record<string, unknown>).$schema as string)
      : undefined);
  const byHint = hint !== undefined ? dialectOfSchema(hint, DIALECTS) : undefined;
  if (byHint) return byHint;
  return byContent(value, fileName, DIALECTS) ?? fallback ?? execlave;
}

/**
 * Whether a file is a policy, and of which dialect (undefined: it is not one, and gets no finding).
 * `value` is its parsed content, undefined when it does not parse.
 */
export function recognize(value: unknown, text: string, fileName: string): Recognition<Dialect> | undefined {
  return recognizeWith(value, text, fileName, DIALECTS);
}

/** Every top-level key of every dialect's schema. */
const KNOWN_KEYS = new Set(
  DIALECTS.flatMap((d) => Object.keys((d.schema as { properties?: object }).properties ?? {})).filter(
    (k) => k !== '$schema',
  ),
);

/** Keys that only another tool's files have: Azure Policy's `policyRule` (see recognizers.ts). */
const FOREIGN_KEYS = new Set([AZURE_POLICY]);

/**
 * What a file is, as the CLI and the editor decide whether to analyse it: recognised as a policy
 * (how); `unsure` when the content cannot tell: it does not parse, is empty or not a mapping, or is
 * a mapping with as many keys of our formats as other keys (`name:` and a half-typed key); or
 * undefined for a foreign file, a mapping of mostly other keys (package.json, a Kubernetes or
 * Kyverno manifest). An unsure file is analysed when the user pointed at it: named on the command
 * line, or under the editor's `policyLens.files` globs.
 */
export function classify(
  value: unknown,
  text: string,
  fileName: string,
): RecognizedBy | 'unsure' | undefined {
  const r = recognize(value, text, fileName);
  if (r) return r.by;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'unsure';
  const keys = Object.keys(value);
  // Another tool's own key (an Azure Policy definition's `policyRule`): a file of that tool.
  if (keys.some((k) => FOREIGN_KEYS.has(k))) return undefined;
  const known = keys.filter((k) => KNOWN_KEYS.has(k)).length;
  return known > 0 && known * 2 >= keys.length ? 'unsure' : undefined;
}

/** Whether a parsed value (and its text, for the comments) is recognisably a policy. */
export function looksLikePolicy(value: unknown, fileName: string, text = ''): boolean {
  return !!recognize(value, text, fileName);
}

/** The hint a file's leading comments give: `# policylens: dialect=<id>`, else a `$schema` comment. */
export function commentHint(text: string): string | undefined {
  return dialectComment(text) ?? schemaComment(text);
}

/**
 * A `# policylens: dialect=<id>` comment whose id is no dialect: the file is still a policy (the
 * comment says so) and was read as `readAs`; the finding is on the id.
 */
export function unknownDialectComment(text: string, readAs: Dialect): Finding[] {
  const comment = dialectCommentAt(text);
  if (!comment || comment.id === readAs.id) return [];
  const ids = DIALECTS.map((d) => d.id);
  const [near] = nearest(comment.id, ids);
  const hint = near ? `did you mean "${near}"?` : `the dialects are ${ids.join(', ')}`;
  return [
    {
      code: 'parse/unknown-dialect',
      severity: 'error',
      message: `the policylens comment names no dialect "${comment.id}"; ${hint} (the file is read as ${readAs.id})`,
      span: { start: comment.start, end: comment.end },
    },
  ];
}
