import { SymbolKind, type DocumentSymbol, type SymbolInformation } from 'vscode-languageserver';
import { schemaContextOf, type AstNode, type LineIndex, type ObjectNode } from '../../core/index';
import type { Feature } from '../context';
import { nodeRange, toRange } from '../convert';
import type { PolicyDocument } from '../documents';
import { pathOf } from '../settings';
import { runSafe } from '../runSafe';

const MAX_DEPTH = 4;

function kindOf(node: AstNode | null): SymbolKind {
  switch (node?.type) {
    case 'object':
      return SymbolKind.Object;
    case 'array':
      return SymbolKind.Array;
    case 'number':
      return SymbolKind.Number;
    case 'boolean':
      return SymbolKind.Boolean;
    case 'string':
      return SymbolKind.String;
    default:
      return SymbolKind.Null;
  }
}

function detailOf(node: AstNode | null): string | undefined {
  if (!node) return undefined;
  if (node.type === 'array') return `${node.items.length} item${node.items.length === 1 ? '' : 's'}`;
  if (node.type === 'object') return undefined;
  if (node.type === 'alias') return `*${node.value}`;
  // One line: a block scalar (`expression: >`) ends with a line break, a literal one has several.
  const value = String(node.value);
  const s = /\S/.test(value) ? value.replace(/\s+/g, ' ').trim() : value;
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/**
 * The string an item of a list is known by: its `name` (Preloop's servers, workflows and tools), or
 * else its `id` (Preloop's `model_io` and `sensitive_data` rules).
 */
function itemName(item: ObjectNode): (AstNode & { type: 'string' }) | undefined {
  for (const key of ['name', 'id']) {
    const v = item.properties.find((p) => p.key.value === key)?.value;
    if (v?.type === 'string' && v.value.trim()) return v;
  }
  return undefined;
}

function children(node: AstNode | null, lines: LineIndex, depth: number): DocumentSymbol[] | undefined {
  if (!node || depth >= MAX_DEPTH) return undefined;
  if (node.type === 'object') return node.properties.map((p) => propertySymbol(p, lines, depth));
  if (node.type === 'array') {
    const out: DocumentSymbol[] = [];
    node.items.forEach((item, i) => {
      if (item.type !== 'object') return;
      const name = itemName(item);
      out.push({
        name: name ? name.value : `[${i}]`,
        kind: SymbolKind.Object,
        range: nodeRange(lines, item),
        // Where the item's name is written, as for a key: the whole item selected a dozen lines.
        selectionRange: nodeRange(lines, name ?? item),
        children: children(item, lines, depth + 1),
      });
    });
    return out.length ? out : undefined;
  }
  return undefined;
}

function propertySymbol(
  p: ObjectNode['properties'][number],
  lines: LineIndex,
  depth: number,
): DocumentSymbol {
  const sym: DocumentSymbol = {
    // LSP forbids an empty or blank name: such a key is shown quoted (`" "`).
    name: p.key.value.trim() ? p.key.value : JSON.stringify(p.key.value),
    kind: kindOf(p.value),
    range: toRange(lines, { start: p.offset, end: Math.max(p.end, p.key.end) }),
    selectionRange: nodeRange(lines, p.key),
  };
  const detail = detailOf(p.value);
  if (detail) sym.detail = detail;
  const kids = children(p.value, lines, depth + 1);
  if (kids?.length) sym.children = kids;
  return sym;
}

/**
 * Where the policy's name is written: `name:` (Execlave, Agent Sentinel) or `metadata.name`
 * (Preloop), the one that holds the name the outline shows first; its value when it has one.
 */
function nameNode(root: ObjectNode, name: string | undefined): AstNode | undefined {
  const prop = (node: AstNode | null | undefined, key: string) =>
    node?.type === 'object' ? node.properties.find((p) => p.key.value === key) : undefined;
  const candidates = [prop(root, 'name'), prop(prop(root, 'metadata')?.value, 'name')];
  const named =
    candidates.find((p) => p?.value?.type === 'string' && p.value.value === name) ?? candidates.find(Boolean);
  return named?.value ?? named?.key;
}

/**
 * The outline for a client without hierarchical symbols: every symbol in document order, each
 * naming the one that holds it.
 */
export function flatSymbols(uri: string, symbols: DocumentSymbol[], container?: string): SymbolInformation[] {
  return symbols.flatMap((s) => [
    {
      name: s.name,
      kind: s.kind,
      location: { uri, range: s.range },
      ...(container !== undefined ? { containerName: container } : {}),
    },
    ...flatSymbols(uri, s.children ?? [], s.name),
  ]);
}

/** The outline: one symbol for the policy (name, dialect, type and mode) holding its keys. */
export function documentSymbols(doc: PolicyDocument): DocumentSymbol[] {
  const { analysis } = doc;
  const root = analysis.doc?.root;
  if (!root || root.type !== 'object') return [];
  // A document with a syntax error still has a tree; its remains name the policy.
  const { dialect, value } = schemaContextOf(doc);
  const summary = dialect.summary?.(value) ?? {};
  const selection = nameNode(root, summary.name) ?? root.properties[0]?.key ?? root;
  const file = pathOf(doc.uri).split('/').pop() ?? doc.uri;
  return [
    {
      name: summary.name?.trim() ? summary.name : file,
      detail: [dialect.label, summary.detail].filter(Boolean).join(' · '),
      kind: SymbolKind.Module,
      range: toRange(doc.lines, {
        start: Math.min(root.offset, selection.offset),
        end: Math.max(root.end, selection.end),
      }),
      selectionRange: nodeRange(doc.lines, selection),
      children: root.properties.map((p) => propertySymbol(p, doc.lines, 1)),
    },
  ];
}

/** `textDocument/documentSymbol`. */
export const documentSymbolFeature: Feature = {
  name: 'documentSymbol',
  capabilities: () => ({ documentSymbolProvider: { label: 'Policy Lens' } }),
  register(ctx) {
    ctx.connection.onDocumentSymbol((params, token) =>
      runSafe(ctx.log, 'documentSymbol', token, [] as DocumentSymbol[] | SymbolInformation[], () => {
        const doc = ctx.documents.get(params.textDocument.uri);
        const symbols = doc ? documentSymbols(doc) : [];
        // A client that does not declare hierarchical symbols reads only the flat form (LSP).
        return ctx.clientCapabilities().textDocument?.documentSymbol?.hierarchicalDocumentSymbolSupport
          ? symbols
          : flatSymbols(params.textDocument.uri, symbols);
      }),
    );
  },
};
