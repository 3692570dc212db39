/**
 * Names declared and referred to inside one document (Preloop workflows and servers, Agent Sentinel
 * actions): go to the declaration, hover on a reference, find references and rename. Answers are
 * spans of the document's text; the language server adds the URI and converts them to ranges.
 */
import { nameOccurrences, referenceCandidates, referenceTarget } from '../dialects/references';
import { scalarText } from '../edit/serialize';
import type { TextEdit } from '../findings';
import type { AstNode, PathSegment } from '../parse/ast';
import { locate, nodeAt } from '../parse/locate';
import type { Span } from '../text';
import type { HoverResult } from './candidates';
import { escapeMarkdownText } from './markdown';
import { schemaContextOf, type AssistDocument } from './schema';

const spanOf = (node: AstNode): Span => ({ start: node.offset, end: node.end });

/** The string under the cursor that is not a key, with its path. */
function stringAt(doc: AssistDocument, offset: number) {
  const root = doc.analysis.doc?.root;
  if (!root) return undefined;
  const at = nodeAt(root, offset);
  if (!at.node || at.node.type !== 'string' || at.onKey) return undefined;
  return { root, node: at.node, path: at.path };
}

/** The declaration of a workflow, server or action named in the same document. */
export function definitionAt(doc: AssistDocument, offset: number): Span | undefined {
  const at = stringAt(doc, offset);
  if (!at) return undefined;
  const { dialect, value } = schemaContextOf(doc);
  const target: PathSegment[] | undefined = referenceTarget(dialect.id, value, at.path, at.node.value);
  if (!target) return undefined;
  const found = locate(at.root, target);
  if (!found.node || found.depth !== target.length) return undefined;
  // A name in a list (`name: x`, `- x`) is the value; an action declared as a map key is the key.
  const keyed = found.property && target[target.length - 1] !== 'name' ? found.property.key : found.node;
  return spanOf(keyed);
}

/**
 * The source of a declaration, dedented: a block mapping from the start of its line (its `- `
 * becomes indentation), anything else (JSON, flow, a scalar) as written.
 */
function declarationText(text: string, node: AstNode): string {
  const raw = text.slice(node.offset, node.end).replace(/\s+$/, '');
  if (node.type !== 'object' || node.flow) return raw;
  const lineStart = text.lastIndexOf('\n', node.offset - 1) + 1;
  const lines = text.slice(lineStart, node.end).replace(/\s+$/, '').split('\n');
  lines[0] = lines[0].replace(
    /^([ ]*)((?:- +)+)/,
    (_m, sp: string, dash: string) => sp + ' '.repeat(dash.length),
  );
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)?.[0].length ?? 0));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** Hover on a reference: the declaration it points to, as written in the document. */
export function referenceHover(doc: AssistDocument, offset: number): HoverResult | undefined {
  const at = stringAt(doc, offset);
  if (!at) return undefined;
  const { dialect, value } = schemaContextOf(doc);
  const target = referenceTarget(dialect.id, value, at.path, at.node.value);
  if (!target) return undefined;
  // The declaring item (a workflow or server mapping), or the declaration itself for an action.
  const item = target[target.length - 1] === 'name' ? target.slice(0, -1) : target;
  const found = locate(at.root, item);
  if (!found.node || found.depth !== item.length) return undefined;
  const line = doc.analysis.lines.positionAt(found.node.offset).line + 1;
  const source = declarationText(doc.text, found.node).split('\n').slice(0, 20).join('\n');
  const name = at.node.value.toLowerCase();
  const what = referenceCandidates(dialect.id, value, at.path)?.find(
    (c) => c.label.toLowerCase() === name,
  )?.detail;
  const lang = doc.analysis.language;
  // The name and the source are the document's own text: neither may close its code and reach the
  // client as markdown or HTML, so the fence outgrows every backtick run in the source.
  const fence = '`'.repeat(Math.max(3, ...(source.match(/`+/g) ?? []).map((run) => run.length + 1)));
  return {
    markdown: `**${escapeMarkdownText(at.node.value)}**: ${what ?? 'declared'} (line ${line})\n\n${fence}${lang}\n${source}\n${fence}`,
    span: spanOf(at.node),
  };
}

/** The Preloop workflow or server named by the string under the cursor, with every occurrence. */
function occurrencesAt(doc: AssistDocument, offset: number) {
  const at = stringAt(doc, offset);
  if (!at) return undefined;
  const { dialect, value } = schemaContextOf(doc);
  const found = nameOccurrences(dialect.id, value, at.path);
  if (!found) return undefined;
  const nodes = (paths: PathSegment[][]) =>
    paths.flatMap((p) => {
      const l = locate(at.root, p);
      return l.node && l.depth === p.length && l.node.type === 'string' ? [l.node] : [];
    });
  return { at: at.node, found, declarations: nodes(found.declarations), references: nodes(found.references) };
}

/** Find references on a workflow or server name of a Preloop document. */
export function referencesAt(
  doc: AssistDocument,
  offset: number,
  includeDeclaration: boolean,
): Span[] | undefined {
  const occ = occurrencesAt(doc, offset);
  if (!occ) return undefined;
  const nodes = includeDeclaration ? [...occ.declarations, ...occ.references] : occ.references;
  return nodes.map(spanOf);
}

/** The name to rename, without its quotes. */
export function prepareRenameAt(
  doc: AssistDocument,
  offset: number,
): { span: Span; placeholder: string } | undefined {
  const occ = occurrencesAt(doc, offset);
  if (!occ) return undefined;
  const n = occ.at;
  const quoted = n.style === 'double' || n.style === 'single' || n.style === 'json';
  const span = quoted ? { start: n.offset + 1, end: n.end - 1 } : { start: n.offset, end: n.end };
  return { span, placeholder: n.value };
}

/**
 * Renames a workflow or server: its declaration and every reference in the document, each in its
 * own quoting. A name another workflow (or server) already has is refused.
 */
export function renameAt(
  doc: AssistDocument,
  offset: number,
  newName: string,
): { edits: TextEdit[] } | { error: string } | undefined {
  const occ = occurrencesAt(doc, offset);
  if (!occ) return undefined;
  const { dialect, value } = schemaContextOf(doc);
  const list = occ.found.kind === 'MCP server' ? 'mcp_servers' : 'approval_workflows';
  const taken = referenceCandidates(
    dialect.id,
    value,
    list === 'mcp_servers' ? ['tools', 0, 'source'] : ['tools', 0, 'approval_workflow'],
  );
  if (newName !== occ.found.name && taken?.some((c) => c.label === newName && c.declaredAt))
    return { error: `an ${occ.found.kind} named "${newName}" already exists in this document` };
  const language = doc.analysis.language;
  const edits = [...occ.declarations, ...occ.references].map((n) => ({
    start: n.offset,
    end: n.end,
    newText: scalarText(newName, language, n.style),
  }));
  return { edits };
}
