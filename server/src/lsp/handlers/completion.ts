import {
  CompletionItemKind,
  InsertTextFormat,
  InsertTextMode,
  type CompletionItem,
  type CompletionList,
  type CompletionParams,
} from 'vscode-languageserver';
import { stringify } from 'yaml';
import {
  keyText,
  pick,
  scalarText,
  schemasAt,
  skeletonFor,
  yamlBlockValue,
  type SchemaObject,
} from '../../core/index';
import type { Feature, ServerContext } from '../context';
import { toRange } from '../convert';
import { cursorContext, type CursorContext } from '../cursor';
import { assistCompletion } from '../dialectAssist';
import type { PolicyDocument } from '../documents';
import { runSafe } from '../runSafe';
import { prerequisiteCompletionItems } from '../chainCompletion';
import { keysAt, schemaContextOf, typeLabel, valueAt, valuesAt } from '../schemaInfo';

/** Escapes text for a snippet (`$`, `}` and `\` are syntax there). */
function escapeSnippet(s: string): string {
  return s.replace(/[\\$}]/g, (c) => `\\${c}`);
}

function markdown(value: string | undefined): CompletionItem['documentation'] {
  return value ? { kind: 'markdown', value } : undefined;
}

/** The snippet for a key's value: a choice of its enum, a placeholder, or its skeleton. */
function valueSnippet(
  root: SchemaObject,
  value: unknown,
  path: (string | number)[],
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

function keyItems(
  doc: PolicyDocument,
  cur: CursorContext,
  root: SchemaObject,
  value: unknown,
  path: (string | number)[],
): CompletionItem[] {
  const { properties, required } = keysAt(root, value, path);
  const here = valueAt(value, path);
  const typed = doc.text.slice(cur.span.start, cur.span.end).replace(/^["']|["']$/g, '');
  const existing = new Set(here && typeof here === 'object' && !Array.isArray(here) ? Object.keys(here) : []);
  const json = doc.analysis.language === 'json';
  // Editing the name of an existing key: replace the name only, keep its value.
  const keyOnly = /^\s*:/.test(doc.text.slice(cur.span.end, cur.span.end + 200));
  const range = toRange(doc.lines, cur.span);
  const items: CompletionItem[] = [];
  let order = 0;
  for (const [key, schema] of properties) {
    order++;
    if (existing.has(key) && key !== typed) continue;
    const req = required.indexOf(key);
    const name = json || cur.quote ? JSON.stringify(key) : keyText(key, 'yaml');
    const text = keyOnly
      ? escapeSnippet(name)
      : `${escapeSnippet(name)}:${valueSnippet(root, value, [...path, key], cur, json)}`;
    items.push({
      label: key,
      kind: CompletionItemKind.Property,
      detail: (req >= 0 ? 'required · ' : '') + typeLabel(root, [schema]),
      documentation: markdown(schema.description as string | undefined),
      sortText: req >= 0 ? `0${String(req).padStart(3, '0')}` : `1${String(order).padStart(3, '0')}`,
      filterText: cur.quote ? `${cur.quote}${key}${cur.quote}` : key,
      insertTextFormat: InsertTextFormat.Snippet,
      insertTextMode: InsertTextMode.asIs,
      textEdit: { range, newText: text },
    });
  }
  return items;
}

function valueItems(
  doc: PolicyDocument,
  cur: CursorContext,
  root: SchemaObject,
  value: unknown,
  path: (string | number)[],
  /** Insert each value as a new list item (`- v`) or as a one-item list (`[v]`). */
  wrap?: 'dash' | 'brackets',
): CompletionItem[] {
  const schemas = schemasAt(root, value, path);
  const json = doc.analysis.language === 'json';
  const rejected = pick<Record<string, string>>(schemas, 'x-rejectedValues') ?? {};
  // In a list of unique values, the values already listed are not offered again.
  const last = path[path.length - 1];
  const siblings = typeof last === 'number' ? valueAt(value, path.slice(0, -1)) : undefined;
  const taken = new Set(
    Array.isArray(siblings) ? siblings.filter((_v, i) => i !== last).map((v) => JSON.stringify(v)) : [],
  );
  const description = pick<string>(schemas, 'description');
  const range = toRange(doc.lines, cur.span);
  const items: CompletionItem[] = [];
  valuesAt(schemas).forEach(({ value: v, doc: vdoc }, i) => {
    if (typeof v === 'string' && v in rejected) return;
    if (taken.has(JSON.stringify(v))) return;
    let text: string;
    if (json) text = JSON.stringify(v);
    else if (cur.quote === "'") text = scalarText(v, 'yaml', 'single');
    else if (cur.quote === '"') text = JSON.stringify(v);
    else text = scalarText(v, 'yaml');
    if (wrap === 'dash') text = `- ${text}`;
    else if (wrap === 'brackets') text = `[${text}]`;
    if (cur.needsSpace) text = ' ' + text;
    const label = typeof v === 'string' ? v : JSON.stringify(v);
    items.push({
      label,
      kind: CompletionItemKind.EnumMember,
      detail: description ? description.split(/(?<=\.)\s/)[0] : undefined,
      documentation: markdown(vdoc ?? description),
      sortText: String(i).padStart(4, '0'),
      filterText: cur.quote ? `${cur.quote}${label}${cur.quote}` : label,
      textEdit: { range, newText: text },
    });
  });
  return items;
}

/** A whole skeleton of the dialect's required keys, for an empty document. */
function skeletonItem(doc: PolicyDocument, root: SchemaObject, label: string): CompletionItem | undefined {
  const { required } = keysAt(root, {}, []);
  if (!required.length) return undefined;
  const obj: Record<string, unknown> = {};
  for (const key of required) obj[key] = skeletonFor(root, obj, [key]);
  const json = doc.analysis.language === 'json';
  const text = json ? JSON.stringify(obj, null, 2) + '\n' : stringify(obj, { lineWidth: 0 });
  return {
    label: `new ${label}`,
    kind: CompletionItemKind.Snippet,
    detail: `Every required key of a ${label}, with valid values`,
    documentation: markdown('```' + (json ? 'json' : 'yaml') + '\n' + text + '```'),
    // Before the required keys, which sort as `0…`.
    sortText: '/',
    insertTextMode: InsertTextMode.asIs,
    textEdit: { range: toRange(doc.lines, { start: 0, end: doc.text.length }), newText: text },
  };
}

export function completion(ctx: ServerContext, params: CompletionParams): CompletionList | null {
  const doc = ctx.documents.get(params.textDocument.uri);
  if (!doc) return null;
  const offset = doc.lines.offsetAt(params.position);
  const cur = cursorContext(doc.text, offset, doc.analysis.language);
  // CEL inside expression strings and names declared in the document come from the dialect.
  const assisted = assistCompletion(doc, offset, cur);
  if (assisted) return { isIncomplete: false, items: assisted };
  const { dialect, value } = schemaContextOf(doc);
  const root = dialect.schema;
  // An empty JSON document has no object to be inside of yet: the skeleton (with its braces) is
  // what it can start with, as an empty YAML one offers.
  if (!cur && doc.analysis.language === 'json' && !doc.text.trim()) {
    const sk = skeletonItem(doc, root, dialect.label);
    return sk ? { isIncomplete: false, items: [sk] } : null;
  }
  if (!cur) return null;
  let items: CompletionItem[];
  // Where a list is expected but no item is started yet, values come as new items.
  const here = valueAt(value, cur.path);
  const isList = pick<string>(schemasAt(root, value, cur.path), 'type') === 'array';
  const itemPath = [...cur.path, Array.isArray(here) ? here.length : 0];
  if (cur.kind === 'key') {
    items = keyItems(doc, cur, root, value, cur.path);
    if (!items.length && isList && cur.style === 'block')
      items = valueItems(doc, cur, root, value, itemPath, 'dash');
    if (!doc.text.trim() || (cur.path.length === 0 && !doc.text.replace(cur.prefix, '').trim())) {
      const sk = skeletonItem(doc, root, dialect.label);
      if (sk) items.unshift(sk);
    }
  } else {
    items = valueItems(doc, cur, root, value, cur.path);
    if (!items.length && isList && !cur.prefix)
      items = valueItems(doc, cur, root, value, itemPath, 'brackets');
    items.push(...prerequisiteCompletionItems(ctx, doc, cur));
    // `- ` may start a mapping as well as a scalar: offer the item's keys when it has any.
    if (cur.sequenceItem && !items.length) items = keyItems(doc, cur, root, value, cur.path);
  }
  return { isIncomplete: false, items };
}

/**
 * The text a snippet inserts when the client cannot run snippets: the first choice of each
 * `${1|a,b|}`, the default of each `${1:text}`, nothing for a bare tab stop, escapes undone.
 */
export function snippetToPlain(snippet: string): string {
  let out = '';
  // Placeholders (`${1:`) still open: their closing brace is syntax; any other `}` is text.
  let open = 0;
  for (let i = 0; i < snippet.length; i++) {
    const c = snippet[i];
    const rest = snippet.slice(i);
    let m: RegExpExecArray | null;
    if (c === '\\' && i + 1 < snippet.length) out += snippet[++i];
    else if ((m = /^\$(\d+|\{\d+\})/.exec(rest))) i += m[0].length - 1;
    else if ((m = /^\$\{\d+\|([^,|]*)[^|]*\|\}/.exec(rest))) {
      out += m[1];
      i += m[0].length - 1;
    } else if ((m = /^\$\{\d+:/.exec(rest))) {
      open++;
      i += m[0].length - 1;
    } else if (c === '}' && open > 0) open--;
    else out += c;
  }
  return out;
}

/** The same items as plain text, for a client that said `snippetSupport: false` (or nothing). */
function withoutSnippets(items: CompletionItem[]): CompletionItem[] {
  return items.map((item) => {
    if (item.insertTextFormat !== InsertTextFormat.Snippet) return item;
    const plain: CompletionItem = { ...item, insertTextFormat: InsertTextFormat.PlainText };
    if (item.textEdit) plain.textEdit = { ...item.textEdit, newText: snippetToPlain(item.textEdit.newText) };
    if (item.insertText !== undefined) plain.insertText = snippetToPlain(item.insertText);
    return plain;
  });
}

/** `textDocument/completion`. */
export const completionFeature: Feature = {
  name: 'completion',
  capabilities: () => ({ completionProvider: { triggerCharacters: [':', '"'], resolveProvider: false } }),
  register(ctx) {
    ctx.connection.onCompletion((params, token) =>
      runSafe(ctx.log, 'completion', token, null, () => {
        const list = completion(ctx, params);
        const snippets = ctx.clientCapabilities().textDocument?.completion?.completionItem?.snippetSupport;
        return list && !snippets ? { ...list, items: withoutSnippets(list.items) } : list;
      }),
    );
  },
};
