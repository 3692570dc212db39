/**
 * Editor help that depends on the dialect rather than on the schema: CEL inside expression strings
 * (context variables, functions, their types on hover) and names declared elsewhere in the same
 * document (Preloop workflows and servers, Agent Sentinel actions). Completion and hover ask these
 * first and fall back to the schema when they answer undefined.
 */
import { celCompletions, celVariableInfo, CEL_FUNCTIONS, expressionContextAt } from '../cel';
import { referenceCandidates } from '../dialects/references';
import { nodeAt } from '../parse/locate';
import type { Span } from '../text';
import type { CompletionCandidate, HoverResult } from './candidates';
import { scalarAtCursor, type CursorContext } from './cursor';
import { referenceHover } from './navigation';
import { schemaContextOf, type AssistDocument } from './schema';

interface ExpressionAt {
  context: string;
  /** The identifier around the cursor, in document offsets. */
  word: Span;
  /** The identifier follows a `.`: a member (method or field), not a variable. */
  member: boolean;
}

const IDENT = /[A-Za-z0-9_]/;

/** The CEL expression string under the cursor, if any, and the identifier being typed there. */
function expressionAt(doc: AssistDocument, offset: number): ExpressionAt | undefined {
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

function celCandidates(at: ExpressionAt): CompletionCandidate[] {
  return celCompletions(at.context)
    .filter((c) => (at.member ? c.kind === 'method' : c.kind !== 'method'))
    .map((c, i) => {
      const call = c.kind === 'function' || c.kind === 'method';
      return {
        label: c.label,
        kind: c.kind === 'variable' ? 'variable' : c.kind === 'keyword' ? 'keyword' : 'function',
        detail: c.detail,
        documentation: c.documentation || `CEL \`${c.label}\``,
        sortText: `${c.kind === 'variable' ? 0 : c.kind === 'keyword' ? 2 : 1}${String(i).padStart(3, '0')}`,
        format: call ? 'snippet' : 'plain',
        span: at.word,
        newText: call ? `${c.label}($1)` : c.label,
      };
    });
}

function nameCandidates(doc: AssistDocument, cur: CursorContext): CompletionCandidate[] | undefined {
  const { dialect, value } = schemaContextOf(doc);
  const candidates = referenceCandidates(dialect.id, value, cur.path);
  if (!candidates?.length) return undefined;
  return candidates.map((c, i) => {
    let text = scalarAtCursor(c.label, cur, doc.analysis.language);
    if (cur.needsSpace) text = ' ' + text;
    return {
      label: c.label,
      kind: 'reference',
      detail: c.detail,
      documentation: `${c.detail} \`${c.label}\`${c.declaredAt ? ', declared in this document' : ''}`,
      sortText: String(i).padStart(4, '0'),
      filterText: cur.quote ? `${cur.quote}${c.label}${cur.quote}` : c.label,
      span: cur.span,
      newText: text,
    };
  });
}

/** Completion the dialect knows better than the schema; undefined lets the schema answer. */
export function dialectCompletion(
  doc: AssistDocument,
  offset: number,
  cur: CursorContext | undefined,
): CompletionCandidate[] | undefined {
  const expr = expressionAt(doc, offset);
  if (expr) return celCandidates(expr);
  if (cur?.kind === 'value') return nameCandidates(doc, cur);
  return undefined;
}

/**
 * Hover inside a CEL expression (a context variable's type, a function's signature) or on a name
 * that refers to a declaration in the document.
 */
export function dialectHover(doc: AssistDocument, offset: number): HoverResult | undefined {
  const expr = expressionAt(doc, offset);
  if (!expr) return referenceHover(doc, offset);
  if (expr.word.start === expr.word.end) return undefined;
  const name = doc.text.slice(expr.word.start, expr.word.end);
  const variable = expr.member ? undefined : celVariableInfo(expr.context, name);
  if (variable)
    return { markdown: `**${name}**: \`${variable.type}\`\n\n${variable.description}`, span: expr.word };
  const calls = doc.text[expr.word.end] === '(';
  const fns = CEL_FUNCTIONS.filter((f) => f.name === name && f.member === expr.member);
  if (calls && fns.length)
    return {
      markdown: fns.map((f) => `\`${f.signature}\`\n\n${f.description}`).join('\n\n'),
      span: expr.word,
    };
  return undefined;
}
