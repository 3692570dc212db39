import {
  CompletionItemKind,
  InsertTextFormat,
  type CompletionItem,
  type Hover,
  type Location,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import {
  celCompletions,
  CEL_FUNCTIONS,
  celVariableInfo,
  expressionContextAt,
  locate,
  nameOccurrences,
  nodeAt,
  referenceCandidates,
  referenceTarget,
  scalarText,
  type AstNode,
  type PathSegment,
  type Span,
} from '../core/index';
import { nodeRange, toRange } from './convert';
import { escapeMarkdownText } from './markdown';
import type { CursorContext } from './cursor';
import type { PolicyDocument } from './documents';
import { schemaContextOf } from './schemaInfo';

/**
 * Editor help that depends on the dialect rather than on the schema: CEL inside expression strings
 * (context variables, functions, their types on hover) and names that refer to other parts of the
 * same document (Preloop workflows and servers, Agent Sentinel actions). The completion, hover and
 * definition handlers ask these first and fall back to the schema when they answer undefined.
 */

interface ExpressionAt {
  context: string;
  /** The identifier around the cursor, in document offsets. */
  word: Span;
  /** The identifier follows a `.`: a member (method or field), not a variable. */
  member: boolean;
}

const IDENT = /[A-Za-z0-9_]/;

/** The CEL expression string under the cursor, if any, and the identifier being typed there. */
function expressionAt(doc: PolicyDocument, offset: number): ExpressionAt | undefined {
  const root = doc.analysis.doc?.root;
  if (!root) return undefined;
  const at = nodeAt(root, offset);
  if (!at.node || at.node.type !== 'string' || at.onKey) return undefined;
  const quoted = at.node.style === 'double' || at.node.style === 'single' || at.node.style === 'json';
  if (quoted && (offset <= at.node.offset || offset >= at.node.end)) return undefined;
  const { dialect, value } = schemaContextOf(doc);
  const context = expressionContextAt(dialect.id, value, at.path);
  if (!context) return undefined;
  let start = offset;
  while (start > at.node.offset && IDENT.test(doc.text[start - 1])) start--;
  let end = offset;
  while (end < at.node.end && IDENT.test(doc.text[end])) end++;
  return { context, word: { start, end }, member: doc.text[start - 1] === '.' };
}

function celItems(doc: PolicyDocument, at: ExpressionAt): CompletionItem[] {
  const range = toRange(doc.lines, at.word);
  return celCompletions(at.context)
    .filter((c) => (at.member ? c.kind === 'method' : c.kind !== 'method'))
    .map((c, i) => {
      const call = c.kind === 'function' || c.kind === 'method';
      return {
        label: c.label,
        kind:
          c.kind === 'variable'
            ? CompletionItemKind.Variable
            : c.kind === 'keyword'
              ? CompletionItemKind.Keyword
              : CompletionItemKind.Function,
        detail: c.detail,
        documentation: { kind: 'markdown', value: c.documentation || `CEL \`${c.label}\`` },
        sortText: `${c.kind === 'variable' ? 0 : c.kind === 'keyword' ? 2 : 1}${String(i).padStart(3, '0')}`,
        insertTextFormat: call ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
        textEdit: { range, newText: call ? `${c.label}($1)` : c.label },
      } satisfies CompletionItem;
    });
}

function nameItems(doc: PolicyDocument, cur: CursorContext): CompletionItem[] | undefined {
  const { dialect, value } = schemaContextOf(doc);
  const candidates = referenceCandidates(dialect.id, value, cur.path);
  if (!candidates?.length) return undefined;
  const json = doc.analysis.language === 'json';
  const range = toRange(doc.lines, cur.span);
  return candidates.map((c, i) => {
    let text =
      json || cur.quote === '"'
        ? JSON.stringify(c.label)
        : scalarText(c.label, 'yaml', cur.quote === "'" ? 'single' : 'plain');
    if (cur.needsSpace) text = ' ' + text;
    return {
      label: c.label,
      kind: CompletionItemKind.Reference,
      detail: c.detail,
      documentation: { kind: 'markdown', value: `${c.detail} \`${c.label}\`, declared in this document` },
      sortText: String(i).padStart(4, '0'),
      filterText: cur.quote ? `${cur.quote}${c.label}${cur.quote}` : c.label,
      textEdit: { range, newText: text },
    } satisfies CompletionItem;
  });
}

/** Completion the dialect knows better than the schema; undefined lets the schema answer. */
export function assistCompletion(
  doc: PolicyDocument,
  offset: number,
  cur: CursorContext | undefined,
): CompletionItem[] | undefined {
  const expr = expressionAt(doc, offset);
  if (expr) return celItems(doc, expr);
  if (cur?.kind === 'value') return nameItems(doc, cur);
  return undefined;
}

/**
 * Hover inside a CEL expression (a context variable's type, a function's signature) or on a name
 * that refers to a declaration in the document.
 */
export function assistHover(doc: PolicyDocument, offset: number): Hover | undefined {
  const expr = expressionAt(doc, offset);
  if (!expr) return referenceHover(doc, offset);
  if (expr.word.start === expr.word.end) return undefined;
  const name = doc.text.slice(expr.word.start, expr.word.end);
  const range = toRange(doc.lines, expr.word);
  const variable = expr.member ? undefined : celVariableInfo(expr.context, name);
  if (variable)
    return {
      contents: { kind: 'markdown', value: `**${name}**: \`${variable.type}\`\n\n${variable.description}` },
      range,
    };
  const calls = doc.text[expr.word.end] === '(';
  const fns = CEL_FUNCTIONS.filter((f) => f.name === name && f.member === expr.member);
  if (calls && fns.length)
    return {
      contents: {
        kind: 'markdown',
        value: fns.map((f) => `\`${f.signature}\`\n\n${f.description}`).join('\n\n'),
      },
      range,
    };
  return undefined;
}

/** Go to the declaration of a workflow, server or action named in the same document. */
export function assistDefinition(doc: PolicyDocument, offset: number): Location[] | undefined {
  const root = doc.analysis.doc?.root;
  if (!root) return undefined;
  const at = nodeAt(root, offset);
  if (!at.node || at.node.type !== 'string' || at.onKey) return undefined;
  const { dialect, value } = schemaContextOf(doc);
  const target: PathSegment[] | undefined = referenceTarget(dialect.id, value, at.path, at.node.value);
  if (!target) return undefined;
  const found = locate(root, target);
  if (!found.node || found.depth !== target.length) return undefined;
  // A name in a list (`name: x`, `- x`) is the value; an action declared as a map key is the key.
  const keyed = found.property && target[target.length - 1] !== 'name' ? found.property.key : found.node;
  return [{ uri: doc.uri, range: nodeRange(doc.lines, keyed) }];
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
function referenceHover(doc: PolicyDocument, offset: number): Hover | undefined {
  const root = doc.analysis.doc?.root;
  if (!root) return undefined;
  const at = nodeAt(root, offset);
  if (!at.node || at.node.type !== 'string' || at.onKey) return undefined;
  const { dialect, value } = schemaContextOf(doc);
  const target = referenceTarget(dialect.id, value, at.path, at.node.value);
  if (!target) return undefined;
  // The declaring item (a workflow or server mapping), or the declaration itself for an action.
  const item = target[target.length - 1] === 'name' ? target.slice(0, -1) : target;
  const found = locate(root, item);
  if (!found.node || found.depth !== item.length) return undefined;
  const line = doc.lines.positionAt(found.node.offset).line + 1;
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
    contents: {
      kind: 'markdown',
      value: `**${escapeMarkdownText(at.node.value)}**: ${what ?? 'declared'} (line ${line})\n\n${fence}${lang}\n${source}\n${fence}`,
    },
    range: nodeRange(doc.lines, at.node),
  };
}

/** The Preloop workflow or server named by the string under the cursor, with every occurrence. */
function occurrencesAt(doc: PolicyDocument, offset: number) {
  const root = doc.analysis.doc?.root;
  if (!root) return undefined;
  const at = nodeAt(root, offset);
  if (!at.node || at.node.type !== 'string' || at.onKey) return undefined;
  const { dialect, value } = schemaContextOf(doc);
  const found = nameOccurrences(dialect.id, value, at.path);
  if (!found) return undefined;
  const nodes = (paths: PathSegment[][]) =>
    paths.flatMap((p) => {
      const l = locate(root, p);
      return l.node && l.depth === p.length && l.node.type === 'string' ? [l.node] : [];
    });
  return { at: at.node, found, declarations: nodes(found.declarations), references: nodes(found.references) };
}

/** Find references on a workflow or server name of a Preloop document. */
export function assistReferences(
  doc: PolicyDocument,
  offset: number,
  includeDeclaration: boolean,
): Location[] | undefined {
  const occ = occurrencesAt(doc, offset);
  if (!occ) return undefined;
  const nodes = includeDeclaration ? [...occ.declarations, ...occ.references] : occ.references;
  return nodes.map((n) => ({ uri: doc.uri, range: nodeRange(doc.lines, n) }));
}

/** The name to rename, without its quotes. */
export function assistPrepareRename(
  doc: PolicyDocument,
  offset: number,
): { range: Range; placeholder: string } | undefined {
  const occ = occurrencesAt(doc, offset);
  if (!occ) return undefined;
  const n = occ.at;
  const quoted = n.style === 'double' || n.style === 'single' || n.style === 'json';
  const span = quoted ? { start: n.offset + 1, end: n.end - 1 } : { start: n.offset, end: n.end };
  return { range: toRange(doc.lines, span), placeholder: n.value };
}

/**
 * Renames a workflow or server: its declaration and every reference in the document, each in its
 * own quoting. A name another workflow (or server) already has is refused.
 */
export function assistRename(
  doc: PolicyDocument,
  offset: number,
  newName: string,
): { edit: WorkspaceEdit } | { error: string } | undefined {
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
  const edits: TextEdit[] = [...occ.declarations, ...occ.references].map((n) => ({
    range: nodeRange(doc.lines, n),
    newText: scalarText(newName, language, n.style),
  }));
  return { edit: { changes: { [doc.uri]: edits } } };
}
