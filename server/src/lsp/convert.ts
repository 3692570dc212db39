import {
  DiagnosticSeverity,
  DiagnosticTag,
  type Diagnostic,
  type DiagnosticRelatedInformation,
  type Range,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import {
  escapeLoneSurrogates,
  findingDocUrl,
  lineBreakOf,
  withLineBreaks,
  type Finding,
  type Fix,
  type LineIndex,
  type RelatedInfo,
  type Span,
  type TextEdit,
} from '../core/index';

/** The `source` of every diagnostic the server publishes. */
export const SOURCE = 'policy-lens';

const SEVERITY: Record<Finding['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const TAGS: Record<NonNullable<Finding['tags']>[number], DiagnosticTag> = {
  unnecessary: DiagnosticTag.Unnecessary,
  deprecated: DiagnosticTag.Deprecated,
};

export function toRange(lines: LineIndex, span: Span): Range {
  return { start: lines.positionAt(span.start), end: lines.positionAt(span.end) };
}

/**
 * The one conversion of a Finding into an LSP Diagnostic (DESIGN rule 2). `linesOf` gives the line
 * table of another file for related information; related entries of unknown files point at 0:0.
 */
export function toDiagnostic(
  finding: Finding,
  lines: LineIndex,
  linesOf: (uri: string) => LineIndex | undefined = () => undefined,
): Diagnostic {
  const d: Diagnostic = {
    range: toRange(lines, finding.span),
    severity: SEVERITY[finding.severity],
    code: finding.code,
    codeDescription: { href: findingDocUrl(finding.code) },
    source: SOURCE,
    // A message quoting a lone surrogate (a key written "\ud800") shows it as its escape: half of a
    // pair has no UTF-8 form, and some clients' JSON readers refuse the whole notification.
    message: escapeLoneSurrogates(finding.message),
  };
  if (finding.related?.length)
    d.relatedInformation = finding.related.map((r) => toRelated(r, linesOf(r.uri)));
  if (finding.tags?.length) d.tags = finding.tags.map((t) => TAGS[t]);
  return d;
}

/**
 * Related links converted, per link and the line table they were converted with. The chain shares
 * one link between the findings that show it (each hop of a long cycle is on the findings of the
 * dozen policies before it), so each is converted once instead of at every finding and publication.
 * A file that changed has a new line table, and its links are converted again.
 */
const relatedCache = new WeakMap<
  RelatedInfo,
  { lines: LineIndex | undefined; lsp: DiagnosticRelatedInformation }
>();

function toRelated(r: RelatedInfo, other: LineIndex | undefined): DiagnosticRelatedInformation {
  const cached = relatedCache.get(r);
  if (cached && cached.lines === other) return cached.lsp;
  const zero = { line: 0, character: 0 };
  const lsp = {
    location: { uri: r.uri, range: other ? toRange(other, r.span) : { start: zero, end: zero } },
    message: escapeLoneSurrogates(r.message),
  };
  relatedCache.set(r, { lines: other, lsp });
  return lsp;
}

/** The range of a tree node (anything with `offset` and `end`). */
export function nodeRange(lines: LineIndex, node: { offset: number; end: number }): Range {
  return toRange(lines, { start: node.offset, end: node.end });
}

export function toTextEdits(lines: LineIndex, edits: readonly TextEdit[]): LspTextEdit[] {
  const eol = lineBreakOf(lines.text);
  return edits.map((e) => ({ range: toRange(lines, e), newText: withLineBreaks(e.newText, eol) }));
}

/** A fix as a WorkspaceEdit: its own edits on `uri`, plus edits to other files it carries. */
export function fixToWorkspaceEdit(
  uri: string,
  lines: LineIndex,
  fix: Fix,
  linesOf: (uri: string) => LineIndex | undefined,
): WorkspaceEdit {
  const changes: Record<string, LspTextEdit[]> = {};
  if (fix.edits.length) changes[uri] = toTextEdits(lines, fix.edits);
  for (const [other, edits] of Object.entries(fix.fileEdits ?? {})) {
    const otherLines = other === uri ? lines : linesOf(other);
    if (otherLines) changes[other] = [...(changes[other] ?? []), ...toTextEdits(otherLines, edits)];
  }
  return { changes };
}
