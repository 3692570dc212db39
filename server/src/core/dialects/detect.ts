/**
 * Which files are policies. A YAML or JSON file is a policy only when it says so: its content has
 * the keys a format requires, it names one of our schemas in `$schema`, or it carries a
 * `# policylens: dialect=<id>` comment. A path never makes a file a policy (a Kyverno manifest
 * under policies/ is not an Execlave bundle), so the CLI and the editor skip everything else.
 */
import { editDistance } from '../suggest';
import type { Dialect } from './types';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** How a file was recognised as a policy. */
export type RecognizedBy = 'dialect-comment' | 'schema' | 'content';

export interface Recognition {
  dialect: Dialect;
  by: RecognizedBy;
}

/** Only the leading comment block of a file can say what it is; a comment further down cannot. */
function leadingComments(text: string): string {
  return /^(?:\uFEFF)?(?:[ \t]*(?:#[^\n]*)?\r?\n)*/.exec(text.slice(0, 4096))?.[0] ?? '';
}

/** The dialect id of a `# policylens: dialect=<id>` comment at the top of a file. */
export function dialectComment(text: string): string | undefined {
  return /#\s*policylens:\s*dialect\s*=\s*([A-Za-z0-9_-]+)/.exec(leadingComments(text))?.[1];
}

/**
 * A schema named in a comment at the top of a YAML file: `# $schema: <ref>` or the
 * yaml-language-server modeline `# yaml-language-server: $schema=<ref>`.
 */
export function schemaComment(text: string): string | undefined {
  return /#\s*(?:yaml-language-server:\s*)?\$schema\s*[:=]\s*(\S+)/.exec(leadingComments(text))?.[1];
}

/** The folder and file of a schema reference: `agentsentinel/callguard.schema.json`. */
function schemaTail(ref: string): string {
  return ref.split(/[\\/]/).slice(-2).join('/').toLowerCase();
}

/**
 * The dialect a schema reference names, when it is one of ours: our `$id`, a path or URL ending in
 * one of our schema files (`schemas/preloop/policy.schema.json`), or a dialect id. A foreign
 * schema (a package.json's schemastore URL) names none.
 */
export function dialectOfSchema(ref: string, dialects: readonly Dialect[]): Dialect | undefined {
  return (
    dialects.find((d) => d.schema.$id === ref || ref === d.id) ??
    dialects.find((d) => typeof d.schema.$id === 'string' && schemaTail(ref) === schemaTail(d.schema.$id))
  );
}

/**
 * The top-level keys of a text that does not parse, as an object for the dialects' `detect`
 * (every value an empty mapping): a half-typed bundle with a syntax error is still a bundle. YAML
 * keys at column 0; JSON keys at depth 1. Only the head of a huge file is read.
 */
export function keysOfText(text: string): Obj {
  const head = text.slice(0, 65536);
  const out: Obj = {};
  const trimmed = head.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('{')) {
    let depth = 0;
    for (let i = 0; i < head.length; i++) {
      const c = head[i];
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
      else if (c === '"') {
        let j = i + 1;
        while (j < head.length && head[j] !== '"') j += head[j] === '\\' ? 2 : 1;
        if (depth === 1 && /^\s*:/.test(head.slice(j + 1, j + 40))) out[head.slice(i + 1, j)] = {};
        i = j;
      }
    }
    return out;
  }
  for (const m of head.matchAll(/^["']?([A-Za-z_$][\w$-]*)["']?[ \t]*:/gm)) out[m[1]] = {};
  return out;
}

/**
 * Whether a key is a near-miss of one of `markers` (`polcyType`, `enforcement_mode`): a bundle
 * with a typo in a required key is still a bundle, and must get the finding that names the typo.
 */
export function nearMarker(value: Obj, markers: readonly string[]): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  const targets = markers.map(norm);
  return Object.keys(value).some((key) => {
    const k = norm(key);
    return targets.some((t) => Math.abs(k.length - t.length) <= 2 && editDistance(k, t) <= 2);
  });
}

/** The dialect whose `detect` is surest of a value, if any is at all. */
export function byContent(
  value: unknown,
  fileName: string,
  dialects: readonly Dialect[],
): Dialect | undefined {
  let best: Dialect | undefined;
  let score = 0;
  for (const d of dialects) {
    const s = d.detect(value, fileName);
    if (s > score) {
      best = d;
      score = s;
    }
  }
  return best;
}

/**
 * Whether a file is a policy, and of which dialect; undefined when it is not one. `value` is the
 * parsed document (undefined when it did not parse: then the keys are read from the text).
 * A `# policylens: dialect=` comment wins, then a `$schema` of ours, then the content.
 */
export function recognize(
  value: unknown,
  text: string,
  fileName: string,
  dialects: readonly Dialect[],
): Recognition | undefined {
  const forced = dialectComment(text);
  const byComment = forced !== undefined ? dialects.find((d) => d.id === forced) : undefined;
  if (byComment) return { dialect: byComment, by: 'dialect-comment' };
  const ref = isObj(value) && typeof value.$schema === 'string' ? value.$schema : schemaComment(text);
  const bySchema = ref !== undefined ? dialectOfSchema(ref, dialects) : undefined;
  if (bySchema) return { dialect: bySchema, by: 'schema' };
  const content = byContent(value === undefined ? keysOfText(text) : value, fileName, dialects);
  return content && { dialect: content, by: 'content' };
}
