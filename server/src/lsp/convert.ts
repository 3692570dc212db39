import {
  DiagnosticSeverity,
  DiagnosticTag,
  type Diagnostic,
  type Range,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import {
  findingDocUrl,
  type Finding,
  type Fix,
  type LineIndex,
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
    message: finding.message,
  };
  if (finding.related?.length)
    d.relatedInformation = finding.related.map((r) => {
      const other = linesOf(r.uri);
      const zero = { line: 0, character: 0 };
      return {
        location: { uri: r.uri, range: other ? toRange(other, r.span) : { start: zero, end: zero } },
        message: r.message,
      };
    });
  if (finding.tags?.length) d.tags = finding.tags.map((t) => TAGS[t]);
  return d;
}

/** The range of a tree node (anything with `offset` and `end`). */
export function nodeRange(lines: LineIndex, node: { offset: number; end: number }): Range {
  return toRange(lines, { start: node.offset, end: node.end });
}

export function toTextEdits(lines: LineIndex, edits: readonly TextEdit[]): LspTextEdit[] {
  return edits.map((e) => ({ range: toRange(lines, e), newText: e.newText }));
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
