import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { ADD_BASELINE_COMMAND, type AddBaselineArgs } from '../baseline/command';
import type { Feature, ServerContext } from '../context';
import { fixToWorkspaceEdit, toDiagnostic, toTextEdits } from '../convert';
import { fixAllEdit } from '../fixAll';
import { suppressionFixer } from '../../core/index';
import { createTestActions, CREATE_TEST_KIND } from '../createTest';
import { runSafe } from '../runSafe';
import { publishedTestFindings } from '../testFileDiagnostics';
import { isPolicyTestUri } from '../testFiles';
import { URI, Utils } from 'vscode-uri';

/** The kind of the "fix all" source action (`editor.codeActionsOnSave` can ask for it). */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.policyLens`;

function wants(only: string[] | undefined, kind: string): boolean {
  return !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
}

/** Quick-fixes of a policy test file's findings (as last published for its current version). */
function testFileActions(ctx: ServerContext, params: CodeActionParams): CodeAction[] {
  const td = ctx.documents.textDocuments.get(params.textDocument.uri);
  const shown = td && publishedTestFindings(ctx, td.uri, td.version);
  if (!td || !shown || !wants(params.context.only, CodeActionKind.QuickFix)) return [];
  const start = shown.lines.offsetAt(params.range.start);
  const end = shown.lines.offsetAt(params.range.end);
  return shown.findings
    .filter((f) => f.span.start <= end && f.span.end >= start)
    .flatMap((f) =>
      (f.fixes ?? []).map((fix) => ({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [toDiagnostic(f, shown.lines)],
        isPreferred: fix.isPreferred || undefined,
        edit: fixToWorkspaceEdit(td.uri, shown.lines, fix, () => undefined),
      })),
    );
}

export function codeActions(ctx: ServerContext, params: CodeActionParams): CodeAction[] {
  if (isPolicyTestUri(params.textDocument.uri)) return testFileActions(ctx, params);
  const doc = ctx.documents.get(params.textDocument.uri);
  if (!doc) return [];
  const only = params.context.only;
  const out: CodeAction[] = [];
  const linesOf = (uri: string) => ctx.documents.linesOf(uri);
  const start = doc.lines.offsetAt(params.range.start);
  const end = doc.lines.offsetAt(params.range.end);
  const findings = doc.findings();
  if (wants(only, CodeActionKind.QuickFix)) {
    const suppressionFix = suppressionFixer(
      doc.text,
      doc.analysis.language,
      doc.lines,
      doc.analysis.doc?.root,
    );
    for (const f of findings) {
      // A finding is "here" when the requested range touches its span.
      if (f.span.start > end || f.span.end < start) continue;
      const diagnostic = toDiagnostic(f, doc.lines, linesOf);
      for (const fix of f.fixes ?? [])
        out.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: fix.isPreferred || undefined,
          edit: fixToWorkspaceEdit(doc.uri, doc.lines, fix, linesOf),
        });
      const suppress = suppressionFix(f);
      if (suppress)
        out.push({
          title: suppress.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          edit: fixToWorkspaceEdit(doc.uri, doc.lines, suppress, linesOf),
        });
      if (f.code === 'parse/empty' && !doc.text.trim()) {
        const args: AddBaselineArgs = {
          folder: Utils.dirname(URI.parse(doc.uri)).toString(),
          language: doc.analysis.language,
        };
        out.push({
          title: 'Adopt the baseline: add the five baseline policies to this folder',
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          command: { title: 'Add the baseline policies', command: ADD_BASELINE_COMMAND, arguments: [args] },
        });
      }
    }
  }
  if (only && wants(only, FIX_ALL_KIND)) {
    // The chain of the workspace once it is read: before, no bundle is known to name this one's id.
    const all = fixAllEdit(
      doc,
      ctx.documents,
      ctx.chain.index.isReady ? ctx.chain.index.policies : undefined,
    );
    if (all) {
      const edit: WorkspaceEdit = { changes: { [doc.uri]: toTextEdits(doc.lines, [all.edit]) } };
      out.push({ title: `Fix all Policy Lens problems (${all.count})`, kind: FIX_ALL_KIND, edit });
    }
  }
  return out;
}

/** `textDocument/codeAction`: quick-fixes from the findings, "fix all", and adopting the baseline. */
export const codeActionFeature: Feature = {
  name: 'codeAction',
  capabilities: () => ({
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND, CREATE_TEST_KIND] },
  }),
  register(ctx) {
    ctx.connection.onCodeAction((params, token) => {
      ctx.diagnostics.userWaits();
      return runSafe(ctx.log, 'codeAction', token, [] as CodeAction[], async () => [
        ...codeActions(ctx, params),
        ...(isPolicyTestUri(params.textDocument.uri) ? [] : await createTestActions(ctx, params)),
      ]);
    });
  },
};
