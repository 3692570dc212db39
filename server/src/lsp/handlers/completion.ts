import {
  CompletionItemKind,
  CompletionItemTag,
  InsertTextFormat,
  InsertTextMode,
  type CompletionItem,
  type CompletionList,
  type CompletionParams,
} from 'vscode-languageserver';
import {
  completionAt,
  snippetToPlain,
  type CandidateKind,
  type CompletionCandidate,
  lineBreakOf,
  withLineBreaks,
  type LineIndex,
} from '../../core/index';
import type { Feature, ServerContext } from '../context';
import { toRange } from '../convert';
import { runSafe } from '../runSafe';
import { prerequisiteCompletionItems } from '../chainCompletion';
import { testFileCompletion } from '../testFileAssist';
import { isPolicyTestUri } from '../testFiles';

const KIND: Record<CandidateKind, CompletionItemKind> = {
  property: CompletionItemKind.Property,
  value: CompletionItemKind.EnumMember,
  reference: CompletionItemKind.Reference,
  snippet: CompletionItemKind.Snippet,
  variable: CompletionItemKind.Variable,
  keyword: CompletionItemKind.Keyword,
  function: CompletionItemKind.Function,
};

/** The one conversion of the engine's completion candidate into an LSP CompletionItem. */
export function toCompletionItem(lines: LineIndex, c: CompletionCandidate): CompletionItem {
  const eol = lineBreakOf(lines.text);
  return {
    label: c.label,
    kind: KIND[c.kind],
    detail: c.detail,
    documentation: c.documentation ? { kind: 'markdown', value: c.documentation } : undefined,
    ...(c.deprecated ? { tags: [CompletionItemTag.Deprecated] } : {}),
    sortText: c.sortText,
    filterText: c.filterText,
    ...(c.format
      ? { insertTextFormat: c.format === 'snippet' ? InsertTextFormat.Snippet : InsertTextFormat.PlainText }
      : {}),
    ...(c.asIs ? { insertTextMode: InsertTextMode.asIs } : {}),
    textEdit: { range: toRange(lines, c.span), newText: withLineBreaks(c.newText, eol) },
    ...(c.additionalEdits?.length
      ? {
          additionalTextEdits: c.additionalEdits.map((e) => ({
            range: toRange(lines, e),
            newText: e.newText,
          })),
        }
      : {}),
  };
}

export function completion(ctx: ServerContext, params: CompletionParams): CompletionList | null {
  const doc = ctx.documents.get(params.textDocument.uri);
  if (!doc) return null;
  const offset = doc.lines.offsetAt(params.position);
  const candidates = completionAt(doc, offset, (cur) => prerequisiteCompletionItems(ctx, doc, cur));
  if (!candidates) return null;
  return { isIncomplete: false, items: candidates.map((c) => toCompletionItem(doc.lines, c)) };
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
    ctx.connection.onCompletion((params, token) => {
      ctx.diagnostics.userWaits();
      return runSafe(ctx.log, 'completion', token, null, async () => {
        const list = isPolicyTestUri(params.textDocument.uri)
          ? await testFileCompletion(ctx, params)
          : completion(ctx, params);
        const snippets = ctx.clientCapabilities().textDocument?.completion?.completionItem?.snippetSupport;
        return list && !snippets ? { ...list, items: withoutSnippets(list.items) } : list;
      });
    });
  },
};
