import type { CompletionList, CompletionParams, Hover, HoverParams } from 'vscode-languageserver';
import {
  LineIndex,
  namedPolicies,
  expectNameAt,
  policyTestCompletionAt,
  policyTestHoverAt,
  testFileDocument,
  wantsPolicyNames,
  type NamedPolicy,
  type TestFileDocument,
} from '../core/index';
import type { ServerContext } from './context';
import { toRange } from './convert';
import { toCompletionItem } from './handlers/completion';
import { policyPathsOf, testPoliciesOf } from './testFiles';

function open(ctx: ServerContext, uri: string): { doc: TestFileDocument; lines: LineIndex } | undefined {
  const td = ctx.documents.textDocuments.get(uri);
  if (!td) return undefined;
  const text = td.getText();
  return { doc: testFileDocument(text, uri), lines: new LineIndex(text) };
}

/** The policies the test file runs against, by the names their traces carry. */
async function names(
  ctx: ServerContext,
  uri: string,
  doc: TestFileDocument,
): Promise<{ named: NamedPolicy[]; tested: string }> {
  const { paths, written } = policyPathsOf(doc.value);
  const set = await testPoliciesOf(ctx).load(uri, paths, written);
  return { named: namedPolicies(set.compiled, set.known.names), tested: set.describe };
}

/** Completion in a policy test file: the test schema, and the tested policies' names in `expect`. */
export async function testFileCompletion(
  ctx: ServerContext,
  params: CompletionParams,
): Promise<CompletionList | null> {
  const o = open(ctx, params.textDocument.uri);
  if (!o) return null;
  const offset = o.lines.offsetAt(params.position);
  // The policies are loaded only where a name goes.
  const named = wantsPolicyNames(o.doc, offset)
    ? (await names(ctx, params.textDocument.uri, o.doc)).named
    : [];
  const candidates = policyTestCompletionAt(o.doc, offset, named);
  if (!candidates) return null;
  return { isIncomplete: false, items: candidates.map((c) => toCompletionItem(o.lines, c)) };
}

/** Hover in a policy test file: a key's description, or what a policy named in `expect` is. */
export async function testFileHover(ctx: ServerContext, params: HoverParams): Promise<Hover | null> {
  const o = open(ctx, params.textDocument.uri);
  if (!o) return null;
  const offset = o.lines.offsetAt(params.position);
  const { named, tested } =
    expectNameAt(o.doc, offset) !== undefined
      ? await names(ctx, params.textDocument.uri, o.doc)
      : { named: [], tested: '' };
  const h = policyTestHoverAt(o.doc, offset, named, tested);
  return h ? { contents: { kind: 'markdown', value: h.markdown }, range: toRange(o.lines, h.span) } : null;
}
