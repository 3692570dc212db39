import {
  applyRuleSettings,
  languageOf,
  LineIndex,
  loadsItsPolicies,
  ParsedDocument,
  testFileFindings,
  type Finding,
} from '../core/index';
import type { Feature, ServerContext } from './context';
import { toDiagnostic } from './convert';
import { Debouncer } from './debounce';
import { registerCoverage } from './testCoverage';
import { isPolicyTestUri, policyPathsOf, testPoliciesOf } from './testFiles';
import { publishDiagnostics } from './publish';

/** The debounce after a keystroke in a test file. */
const EDIT_DELAY_MS = 100;
/** After a policy changed: the open test files are checked again once the burst is over. */
const POLICY_DELAY_MS = 300;

/** What was last published for each open test file, for its quick-fixes. */
const published = new WeakMap<
  ServerContext,
  Map<string, { version: number; lines: LineIndex; findings: Finding[] }>
>();

/** The findings last published for an open test file at this version (none when it changed since). */
export function publishedTestFindings(
  ctx: ServerContext,
  uri: string,
  version: number,
): { lines: LineIndex; findings: Finding[] } | undefined {
  const p = published.get(ctx)?.get(uri);
  return p?.version === version ? p : undefined;
}

/**
 * Diagnostics of open policy test files: syntax, the test schema, and the `expect` names checked
 * against the policies the file runs against (loaded as `policylens test` loads them). Test files
 * are never policy documents, so they have their own small scheduler: a run per edit (debounced),
 * and a run of every open test file when a policy changes, in the editor or on disk.
 */
export const policyTestFilesFeature: Feature = {
  name: 'policyTestFiles',
  register(ctx) {
    const runs = new Debouncer(ctx.runtime);
    const schedule = (uri: string, ms: number) =>
      runs.schedule(uri, ms, () => {
        void publish(ctx, uri).catch((e: unknown) =>
          ctx.log(`diagnostics of the test file ${uri} failed: ${(e as Error).stack ?? e}`),
        );
      });
    // The open test files (a document's first content is its opening). Kept as documents open and
    // close: listing them from every open document at each policy's change made opening a
    // workspace of thousands of policies quadratic.
    const open = new Set<string>();
    const openTests = () => [...open];
    ctx.documents.textDocuments.onDidChangeContent((e) => {
      const uri = e.document.uri;
      if (isPolicyTestUri(uri)) {
        schedule(uri, open.has(uri) ? EDIT_DELAY_MS : 0);
        open.add(uri);
      } else for (const t of openTests()) schedule(t, POLICY_DELAY_MS);
    });
    ctx.documents.textDocuments.onDidClose((e) => {
      if (!isPolicyTestUri(e.document.uri)) return;
      open.delete(e.document.uri);
      testPoliciesOf(ctx).forget(e.document.uri);
      published.get(ctx)?.delete(e.document.uri);
      runs.cancel(e.document.uri);
    });
    ctx.files.onDidChange(() => {
      for (const t of openTests()) schedule(t, POLICY_DELAY_MS);
    });
    ctx.settings.onDidChange(() => {
      for (const t of openTests()) schedule(t, 0);
    });
    // The project's configs were read (at start, or after a change): a test file checked before
    // was checked without their severities, and kept them until its next edit.
    ctx.project.onDidChange(() => {
      for (const t of openTests()) schedule(t, 0);
    });
    registerCoverage(ctx);
  },
};

async function publish(ctx: ServerContext, uri: string): Promise<void> {
  const td = ctx.documents.textDocuments.get(uri);
  if (!td) return;
  const version = td.version;
  const text = td.getText();
  const doc = new ParsedDocument(text, languageOf(uri));
  let findings: Finding[];
  if (!ctx.settings.current().validate) findings = [];
  else if (!loadsItsPolicies(doc)) findings = testFileFindings(doc);
  else {
    const { paths, written } = policyPathsOf(doc.value);
    findings = testFileFindings(doc, await testPoliciesOf(ctx).load(uri, paths, written));
  }
  // A newer version is scheduled already: this one is not published.
  if (ctx.documents.textDocuments.get(uri)?.version !== version) return;
  const lines = new LineIndex(text);
  const shown = applyRuleSettings(findings, ctx.documents.rulesFor(uri));
  let byUri = published.get(ctx);
  if (!byUri) published.set(ctx, (byUri = new Map()));
  byUri.set(uri, { version, lines, findings: shown });
  const diagnostics = shown.map((f) => toDiagnostic(f, lines));
  publishDiagnostics(ctx.connection, { uri, version, diagnostics });
}
