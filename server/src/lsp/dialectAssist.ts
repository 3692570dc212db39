import {
  CompletionItemKind,
  InsertTextFormat,
  type CompletionItem,
  type Hover,
  type Location,
} from 'vscode-languageserver';
import {
  celCompletions,
  CEL_FUNCTIONS,
  celVariableInfo,
  expressionContextAt,
  locate,
  nodeAt,
  referenceCandidates,
  referenceTarget,
  scalarText,
  type PathSegment,
  type Span,
} from '../core/index';
import { nodeRange, toRange } from './convert';
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

/** Hover on an identifier inside a CEL expression: a context variable's type, a function's signature. */
export function assistHover(doc: PolicyDocument, offset: number): Hover | undefined {
  const expr = expressionAt(doc, offset);
  if (!expr || expr.word.start === expr.word.end) return undefined;
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
  return [{ uri: doc.uri, range: nodeRange(doc.lines, found.node) }];
}
