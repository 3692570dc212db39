/**
 * Completion as plain data: the keys, values and skeletons the schema allows at the cursor, after
 * what the dialect knows better (CEL, names declared in the document). The language server converts
 * the candidates to CompletionItems; the composition itself lives here so that it can be tested
 * without a server.
 */
import { stringify } from 'yaml';
import type { Language, PathSegment } from '../parse/ast';
import type { SchemaObject } from '../schema/compile';
import { pick, schemasAt, skeletonFor } from '../schema/navigate';
import { keyText, scalarText, yamlBlockValue } from '../edit/serialize';
import type { CompletionCandidate } from './candidates';
import { cursorContext, scalarAtCursor, type CursorContext } from './cursor';
import { dialectCompletion } from './dialectCompletion';
import { DIALECTS, type Dialect } from '../dialects';
import { keysAt, schemaContextOf, typeLabel, valueAt, valuesAt, type AssistDocument } from './schema';
import { escapeSnippet } from './snippet';
import { flowCommas, NO_COMMAS } from './commas';

/** What the schema's key and value candidates read of a document (a policy's, or a test file's). */
export interface SchemaTextDocument {
  readonly text: string;
  readonly analysis: { readonly language: Language };
}

/** The snippet for a key's value: a choice of its enum, a placeholder, or its skeleton. */
function valueSnippet(
  root: SchemaObject,
  value: unknown,
  path: PathSegment[],
  cur: CursorContext,
  json: boolean,
): string {
  const schemas = schemasAt(root, value, path);
  const en = pick<unknown[]>(schemas, 'enum');
  const hasSkeleton = pick<unknown>(schemas, 'x-skeleton') !== undefined;
  if (en?.length && !hasSkeleton && en.every((v) => typeof v === 'string' && !/[,|]/.test(v))) {
    const choice = `\${1|${en.join(',')}|}`;
    return json ? ` "${choice}"` : ` ${choice}`;
  }
  const sk = skeletonFor(root, value, path);
  if (json && typeof sk === 'string') return ` "\${1:${escapeSnippet(JSON.stringify(sk).slice(1, -1))}}"`;
  if (json) return ' ' + escapeSnippet(JSON.stringify(sk));
  if (cur.style === 'flow') return ' ' + escapeSnippet(flowText(sk));
  // An empty list or mapping puts the cursor between its brackets.
  if (Array.isArray(sk) && !sk.length) return ' [$1]';
  if (sk && typeof sk === 'object' && !Object.keys(sk).length) return ' {$1}';
  if (sk && typeof sk === 'object') {
    const indent = ' '.repeat(cur.column);
    return escapeSnippet(yamlBlockValue(sk, indent)) + '$0';
  }
  return ` \${1:${escapeSnippet(scalarText(sk, 'yaml'))}}`;
}

function flowText(v: unknown): string {
  return typeof v === 'object' && v !== null
    ? stringify(v, { flow: true, lineWidth: 0 }).trim()
    : scalarText(v, 'yaml');
}

export function keyCandidates(
  doc: SchemaTextDocument,
  cur: CursorContext,
  root: SchemaObject,
  value: unknown,
  path: PathSegment[],
): CompletionCandidate[] {
  const { properties, required } = keysAt(root, value, path);
  const here = valueAt(value, path);
  const typed = doc.text.slice(cur.span.start, cur.span.end).replace(/^["']|["']$/g, '');
  const existing = new Set(here && typeof here === 'object' && !Array.isArray(here) ? Object.keys(here) : []);
  const json = doc.analysis.language === 'json';
  // Editing the name of an existing key: replace the name only, keep its value.
  const keyOnly = /^\s*:/.test(doc.text.slice(cur.span.end, cur.span.end + 200));
  // The same for every item: where it goes decides the commas, not what it is.
  const flow = json || cur.style === 'flow';
  const commas = flow && !keyOnly ? flowCommas(doc.text, cur.span, doc.analysis.language) : NO_COMMAS;
  const out: CompletionCandidate[] = [];
  let order = 0;
  for (const [key, schema] of properties) {
    order++;
    if (existing.has(key) && key !== typed) continue;
    const req = required.indexOf(key);
    const name = json || cur.quote ? JSON.stringify(key) : keyText(key, 'yaml');
    const text = keyOnly
      ? escapeSnippet(name)
      : `${escapeSnippet(name)}:${valueSnippet(root, value, [...path, key], cur, json)}${commas.after}`;
    out.push({
      label: key,
      kind: 'property',
      detail: (req >= 0 ? 'required · ' : '') + typeLabel(root, [schema]),
      documentation: (schema.description as string | undefined) || undefined,
      sortText: req >= 0 ? `0${String(req).padStart(3, '0')}` : `1${String(order).padStart(3, '0')}`,
      filterText: cur.quote ? `${cur.quote}${key}${cur.quote}` : key,
      format: 'snippet',
      asIs: true,
      span: cur.span,
      newText: text,
      ...(commas.before ? { additionalEdits: [commas.before] } : {}),
    });
  }
  return out;
}

export function valueCandidates(
  doc: SchemaTextDocument,
  cur: CursorContext,
  root: SchemaObject,
  value: unknown,
  path: PathSegment[],
  /** Insert each value as a new list item (`- v`) or as a one-item list (`[v]`). */
  wrap?: 'dash' | 'brackets',
): CompletionCandidate[] {
  const schemas = schemasAt(root, value, path);
  const rejected = pick<Record<string, string>>(schemas, 'x-rejectedValues') ?? {};
  // In a list of unique values, the values already listed are not offered again. The item at the
  // cursor's index is the one being replaced only when the cursor is on a token: at an empty spot
  // (`[| ssn]`) a new item goes in front of it, and offering `ssn` made a duplicate.
  const last = path[path.length - 1];
  const siblings = typeof last === 'number' ? valueAt(value, path.slice(0, -1)) : undefined;
  const replaced = cur.span.start === cur.span.end ? -1 : last;
  const taken = new Set(
    Array.isArray(siblings) ? siblings.filter((_v, i) => i !== replaced).map((v) => JSON.stringify(v)) : [],
  );
  const description = pick<string>(schemas, 'description');
  const flow = doc.analysis.language === 'json' || cur.style === 'flow';
  const commas = flow ? flowCommas(doc.text, cur.span, doc.analysis.language) : NO_COMMAS;
  const out: CompletionCandidate[] = [];
  valuesAt(schemas).forEach(({ value: v, doc: vdoc }, i) => {
    if (typeof v === 'string' && v in rejected) return;
    if (taken.has(JSON.stringify(v))) return;
    let text = scalarAtCursor(v, cur, doc.analysis.language);
    if (wrap === 'dash') text = `- ${text}`;
    else if (wrap === 'brackets') text = `[${text}]`;
    if (cur.needsSpace) text = ' ' + text;
    text += commas.after;
    const label = typeof v === 'string' ? v : JSON.stringify(v);
    out.push({
      label,
      kind: 'value',
      detail: description ? description.split(/(?<=\.)\s/)[0] : undefined,
      documentation: (vdoc ?? description) || undefined,
      sortText: String(i).padStart(4, '0'),
      filterText: cur.quote ? `${cur.quote}${label}${cur.quote}` : label,
      span: cur.span,
      newText: text,
      ...(commas.before ? { additionalEdits: [commas.before] } : {}),
    });
  });
  return out;
}

/** "an Execlave policy bundle", "a Preloop policy document". */
function withArticle(label: string): string {
  return `${/^[aeiou]/i.test(label) ? 'an' : 'a'} ${label}`;
}

/**
 * A whole new document of a dialect, for an empty one: the schema's own skeleton of its root
 * (`x-skeleton`), else every required key. `rank` orders the skeletons of several dialects.
 */
function skeletonCandidate(doc: AssistDocument, dialect: Dialect, rank = 0): CompletionCandidate | undefined {
  const root = dialect.schema;
  const own = root['x-skeleton'];
  let obj: Record<string, unknown>;
  if (own && typeof own === 'object' && !Array.isArray(own)) obj = own as Record<string, unknown>;
  else {
    const { required } = keysAt(root, {}, []);
    if (!required.length) return undefined;
    obj = {};
    for (const key of required) obj[key] = skeletonFor(root, obj, [key]);
  }
  const json = doc.analysis.language === 'json';
  const text = json ? JSON.stringify(obj, null, 2) + '\n' : stringify(obj, { lineWidth: 0 });
  return {
    label: `new ${dialect.label}`,
    kind: 'snippet',
    detail:
      own === undefined
        ? `Every required key of ${withArticle(dialect.label)}, with valid values`
        : `The usual keys of ${withArticle(dialect.label)}, with valid values`,
    documentation: '```' + (json ? 'json' : 'yaml') + '\n' + text + '```',
    // Before the required keys, which sort as `0…`.
    sortText: `/${rank}`,
    asIs: true,
    span: { start: 0, end: doc.text.length },
    newText: text,
  };
}

/**
 * The skeletons an empty document is offered: its own dialect's when something decided it (a
 * `policyLens.dialects` glob, the name callguard.yaml, a dialect comment), else one per format that
 * a file's content can make, the dialect it is read as first. A callguard.yaml skeleton is offered
 * only in a file of that name, the one the SDK reads.
 */
function skeletons(doc: AssistDocument, dialect: Dialect): CompletionCandidate[] {
  const decided = doc.analysis.recognizedBy !== 'unsure' || doc.dialectOverride !== undefined;
  const offered = decided
    ? [dialect]
    : [dialect, ...DIALECTS.filter((d) => d !== dialect && d.id !== 'callguard')];
  return offered.flatMap((d, i) => skeletonCandidate(doc, d, i) ?? []);
}

/**
 * The completion at `offset`, or undefined when there is nothing to offer. `prerequisites` adds
 * the candidates of a prerequisite entry (the workspace's bundles, which only the caller knows).
 */
export function completionAt(
  doc: AssistDocument,
  offset: number,
  prerequisites?: (cur: CursorContext) => CompletionCandidate[],
): CompletionCandidate[] | undefined {
  const cur = cursorContext(doc.text, offset, doc.analysis.language);
  // CEL inside expression strings and names declared in the document come from the dialect.
  const assisted = dialectCompletion(doc, offset, cur);
  if (assisted) return assisted;
  const { dialect, value } = schemaContextOf(doc);
  const root = dialect.schema;
  // An empty JSON document has no object to be inside of yet: the skeleton (with its braces) is
  // what it can start with, as an empty YAML one offers.
  if (!cur && doc.analysis.language === 'json' && !doc.text.trim()) {
    const sk = skeletons(doc, dialect);
    return sk.length ? sk : undefined;
  }
  if (!cur) return undefined;
  let items: CompletionCandidate[];
  // Where a list is expected but no item is started yet, values come as new items.
  const here = valueAt(value, cur.path);
  const isList = pick<string>(schemasAt(root, value, cur.path), 'type') === 'array';
  const itemPath = [...cur.path, Array.isArray(here) ? here.length : 0];
  if (cur.kind === 'key') {
    items = keyCandidates(doc, cur, root, value, cur.path);
    if (!items.length && isList && cur.style === 'block')
      items = valueCandidates(doc, cur, root, value, itemPath, 'dash');
    if (!doc.text.trim() || (cur.path.length === 0 && !doc.text.replace(cur.prefix, '').trim())) {
      items.unshift(...skeletons(doc, dialect));
    }
  } else {
    items = valueCandidates(doc, cur, root, value, cur.path);
    if (!items.length && isList && !cur.prefix)
      items = valueCandidates(doc, cur, root, value, itemPath, 'brackets');
    items.push(...(prerequisites?.(cur) ?? []));
    // `- ` may start a mapping as well as a scalar: offer the item's keys when it has any.
    if (cur.sequenceItem && !items.length) items = keyCandidates(doc, cur, root, value, cur.path);
  }
  return items;
}
