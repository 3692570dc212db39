import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
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
  const s = String(node.value);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function children(node: AstNode | null, lines: LineIndex, depth: number): DocumentSymbol[] | undefined {
  if (!node || depth >= MAX_DEPTH) return undefined;
  if (node.type === 'object') return node.properties.map((p) => propertySymbol(p, lines, depth));
  if (node.type === 'array') {
    const out: DocumentSymbol[] = [];
    node.items.forEach((item, i) => {
      if (item.type !== 'object') return;
      const name = item.properties.find((p) => p.key.value === 'name')?.value;
      out.push({
        name: name?.type === 'string' && name.value ? name.value : `[${i}]`,
        kind: SymbolKind.Object,
        range: nodeRange(lines, item),
        selectionRange: nodeRange(lines, item),
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
    name: p.key.value || '""',
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

/** The outline: one symbol for the policy (name, dialect, type and mode) holding its keys. */
export function documentSymbols(doc: PolicyDocument): DocumentSymbol[] {
  const { analysis } = doc;
  const root = analysis.doc?.root;
  if (!root || root.type !== 'object') return [];
  // A document with a syntax error still has a tree; its remains name the policy.
  const { dialect, value } = schemaContextOf(doc);
  const summary = dialect.summary?.(value) ?? {};
  const nameProp = root.properties.find((p) => p.key.value === 'name');
  const selection = nameProp?.value ?? nameProp?.key ?? root.properties[0]?.key ?? root;
  const file = pathOf(doc.uri).split('/').pop() ?? doc.uri;
  return [
    {
      name: summary.name || file,
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
      runSafe(ctx.log, 'documentSymbol', token, [] as DocumentSymbol[], () => {
        const doc = ctx.documents.get(params.textDocument.uri);
        return doc ? documentSymbols(doc) : [];
      }),
    );
  },
};
