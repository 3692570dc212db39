/**
 * Which files are policies. A YAML or JSON file is a policy only when it says so: its content has
 * the keys a format requires, it names one of our schemas in `$schema`, or it carries a
 * `# policylens: dialect=<id>` comment. A path never makes a file a policy (a Kyverno manifest
 * under policies/ is not an Execlave bundle), so the CLI and the editor skip everything else.
 */
import { nearest } from '../suggest';
import type { Recognizer } from './recognizers';

/**
 * What recognising needs of a dialect: its id, its schema's `$id` and its `detect`. A `Dialect`
 * fits, and so does a `Recognizer` (recognizers.ts), which is all the extension loads.
 */
export type Recognizable = Pick<Recognizer, 'id' | 'detect'> &
  ({ schema: { $id?: unknown } } | { schemaId: string });

const schemaIdOf = (d: Recognizable): unknown => ('schemaId' in d ? d.schemaId : d.schema.$id);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** How a file was recognised as a policy. */
export type RecognizedBy = 'dialect-comment' | 'schema' | 'content';

export interface Recognition<D extends Recognizable = Recognizable> {
  dialect: D;
  by: RecognizedBy;
}

/** The characters a leading comment block can start with: BOM, space, tab, `#`, CR, LF. */
const COMMENT_BLOCK_START = new Set([0xfeff, 32, 9, 35, 13, 10]);

/** Only the leading comment block of a file can say what it is; a comment further down cannot. */
function leadingComments(text: string): string {
  // Most files start with a key or a brace: no comment block, and no copy of the head to search.
  if (!COMMENT_BLOCK_START.has(text.charCodeAt(0))) return '';
  return /^(?:\uFEFF)?(?:[ \t]*(?:#[^\n]*)?\r?\n)*/.exec(text.slice(0, 4096))?.[0] ?? '';
}

/** The dialect id of a `# policylens: dialect=<id>` comment at the top of a file. */
export function dialectComment(text: string): string | undefined {
  return dialectCommentAt(text)?.id;
}

/** A `# policylens: dialect=<id>` comment at the top of a file: the id, and where it is written. */
export function dialectCommentAt(text: string): { id: string; start: number; end: number } | undefined {
  const m = /#\s*policylens:\s*dialect\s*=\s*([A-Za-z0-9_-]+)/.exec(leadingComments(text));
  if (!m) return undefined;
  const start = m.index + m[0].length - m[1].length;
  return { id: m[1], start, end: start + m[1].length };
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
export function dialectOfSchema<D extends Recognizable>(ref: string, dialects: readonly D[]): D | undefined {
  return (
    dialects.find((d) => schemaIdOf(d) === ref || ref === d.id) ??
    dialects.find((d) => {
      const id = schemaIdOf(d);
      return typeof id === 'string' && schemaTail(ref) === schemaTail(id);
    })
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
    for (const key of topLevelJsonKeys(head)) out[key] = {};
    return out;
  }
  for (const m of head.matchAll(/^["']?([A-Za-z_$][\w$-]*)["']?[ \t]*:/gm)) out[m[1]] = {};
  return out;
}

/**
 * The keys at depth 1 of a JSON text, in order and with repeats (strings followed by a colon, read
 * without a parser; the text need not be valid).
 */
export function topLevelJsonKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (depth === 1 && /^\s*:/.test(text.slice(j + 1, j + 40))) keys.push(text.slice(i + 1, j));
      i = j;
    }
  }
  return keys;
}

/**
 * The least `detect` score that makes a file a policy by its content. Below it (a document of one
 * dialect's keys only, `ONLY_ITS_KEYS`) a score says only which format a file is read as once
 * something else made it a policy: the editor's globs, an open document that was one.
 */
export const RECOGNIZED = 0.1;

/** The dialect whose `detect` is surest of a value, if any is at all, and its score. */
export function bestByContent<D extends Recognizable>(
  value: unknown,
  fileName: string,
  dialects: readonly D[],
): { dialect: D; score: number } | undefined {
  let best: D | undefined;
  let score = 0;
  for (const d of dialects) {
    const s = d.detect(value, fileName);
    if (s > score) {
      best = d;
      score = s;
      // 1 is certain: no later dialect can score more, and a tie goes to the first.
      if (score >= 1) break;
    }
  }
  return best && { dialect: best, score };
}

/** The dialect whose `detect` is surest of a value, if any is at all. */
export function byContent<D extends Recognizable>(
  value: unknown,
  fileName: string,
  dialects: readonly D[],
): D | undefined {
  return bestByContent(value, fileName, dialects)?.dialect;
}

/**
 * Whether a file is a policy, and of which dialect; undefined when it is not one. `value` is the
 * parsed document (undefined when it did not parse: then the keys are read from the text).
 * A `# policylens: dialect=` comment wins, then a `$schema` of ours, then the content.
 */
export function recognize<D extends Recognizable>(
  value: unknown,
  text: string,
  fileName: string,
  dialects: readonly D[],
): Recognition<D> | undefined {
  const forced = dialectComment(text);
  if (forced !== undefined) {
    const byComment = dialects.find((d) => d.id === forced);
    if (byComment) return { dialect: byComment, by: 'dialect-comment' };
    // A misspelt id still says the file is a policy: it is read as the dialect its content shows,
    // or else as the nearest id (or the first), and analysis reports the comment
    // (parse/unknown-dialect).
    const [near] = nearest(
      forced,
      dialects.map((d) => d.id),
    );
    const guess =
      byContent(value === undefined ? keysOfText(text) : value, fileName, dialects) ??
      dialects.find((d) => d.id === near) ??
      dialects[0];
    if (guess) return { dialect: guess, by: 'dialect-comment' };
  }
  const ref = isObj(value) && typeof value.$schema === 'string' ? value.$schema : schemaComment(text);
  const bySchema = ref !== undefined ? dialectOfSchema(ref, dialects) : undefined;
  if (bySchema) return { dialect: bySchema, by: 'schema' };
  const content = bestByContent(value === undefined ? keysOfText(text) : value, fileName, dialects);
  if (content && content.score >= RECOGNIZED) return { dialect: content.dialect, by: 'content' };
  // An Execlave API response saved as a file (`{"data": {…}}`, or the list's `{"data": [ … ]}`, as
  // `curl` writes them): recognised by the (first) policy it holds, so that the analysis says what
  // the file is instead of passing it over. A list is recognised by its first object: an item that
  // is no object (a hand-edited file) is named by the finding on `data` (schema/envelope.ts).
  const held =
    isObj(value) && Array.isArray(value.data)
      ? value.data.find(isObj)
      : isObj(value)
        ? value.data
        : undefined;
  if (isObj(value) && isObj(held) && Object.keys(value).every((k) => k === 'data' || k === 'meta')) {
    const inner = bestByContent(held, fileName, dialects);
    if (inner && inner.score >= RECOGNIZED && inner.dialect.id === 'execlave')
      return { dialect: inner.dialect, by: 'content' };
  }
  return undefined;
}
