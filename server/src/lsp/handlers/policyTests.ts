import type { CancellationToken } from 'vscode-languageserver';
import { URI, Utils } from 'vscode-uri';
import {
  caseOffset,
  compilePolicies,
  languageOf,
  LineIndex,
  loadPolicy,
  looksLikePolicy,
  ParsedDocument,
  readPolicyTest,
  runCase,
  type PolicySource,
} from '../../core/index';
import { PolicyTestsRequest, type PolicyTestsParams, type PolicyTestsResult } from '../../protocol/index';
import type { Feature, ServerContext } from '../context';
import { runSafe } from '../runSafe';

const POLICY_FILE = /\.(json|ya?ml)$/i;
const POLICY_TEST = /\.policytest\.(json|ya?ml)$/i;

/** The text of a file: the editor's buffer when it is open (unsaved edits count), else the disk. */
async function textOf(ctx: ServerContext, uri: string): Promise<string | undefined> {
  return ctx.documents.textDocuments.get(uri)?.getText() ?? (await ctx.runtime.fs.readFile(uri));
}

/** The policies a test file names (`policies:`, relative to it; default its folder), as `policylens test` loads them. */
async function loadSources(
  ctx: ServerContext,
  testUri: string,
  paths: readonly string[],
): Promise<{ sources: PolicySource[]; error?: string }> {
  const base = Utils.dirname(URI.parse(testUri));
  const sources: PolicySource[] = [];
  for (const p of paths) {
    const target = Utils.resolvePath(base, p).toString();
    const files = POLICY_FILE.test(target)
      ? [target]
      : await ctx.runtime.fs.listFiles(target, (u) => POLICY_FILE.test(u) && !POLICY_TEST.test(u));
    if (!files.length && !(await ctx.runtime.fs.exists(target)))
      return { sources, error: `no such path: ${p}` };
    for (const uri of files.sort()) {
      const text = await textOf(ctx, uri);
      if (text === undefined) return { sources, error: `cannot read ${uri}` };
      const loaded = loadPolicy(uri, text);
      if (!loaded.source) {
        if (loaded.notAPolicy) continue;
        return { sources, error: `${uri} does not parse (${loaded.unusable})` };
      }
      if (looksLikePolicy(loaded.source.value, uri)) sources.push(loaded.source);
    }
  }
  return { sources };
}

/** `policyLens/policyTests`: lists or runs the cases of one test file. */
export async function policyTests(ctx: ServerContext, params: PolicyTestsParams): Promise<PolicyTestsResult> {
  const text = await textOf(ctx, params.uri);
  if (text === undefined) return { cases: [], policies: [], error: 'the test file cannot be read' };
  const doc = new ParsedDocument(text, languageOf(params.uri));
  if (doc.parseFindings.some((f) => f.severity === 'error'))
    return { cases: [], policies: [], error: `does not parse: ${doc.parseFindings[0].message}` };
  const { file, errors } = readPolicyTest(doc.value);
  if (!file) return { cases: [], policies: [], error: `not a valid test file: ${errors.join('; ')}` };
  const lines = new LineIndex(text);
  const listed = file.cases.map((c) => {
    const offset = caseOffset(doc, c.index);
    return { c, line: offset === undefined ? 0 : lines.positionAt(offset).line };
  });
  const wanted = params.names && new Set(params.names);
  if (!params.run)
    return {
      cases: listed.map(({ c, line }) => ({ name: c.name, line, expectedDecision: c.expect.decision })),
      policies: [],
    };
  const loaded = await loadSources(ctx, params.uri, file.policies ?? ['.']);
  if (loaded.error) return { cases: [], policies: [], error: `its policies do not load: ${loaded.error}` };
  const compiled = compilePolicies(loaded.sources);
  const cases = listed
    .filter(({ c }) => !wanted || wanted.has(c.name))
    .map(({ c, line }) => {
      const out = runCase(compiled, c);
      return {
        name: c.name,
        line,
        passed: out.passed,
        failures: out.failures,
        decision: out.results[out.results.length - 1]?.decision,
        expectedDecision: c.expect.decision,
      };
    });
  return { cases, policies: loaded.sources.map((s) => s.uri) };
}

export const policyTestsFeature: Feature = {
  name: 'policyTests',
  register(ctx) {
    // By method name, as chainOrder: the protocol's types come from the client's copy of the library.
    ctx.connection.onRequest(
      PolicyTestsRequest.method,
      (params: PolicyTestsParams, token: CancellationToken) =>
        runSafe(
          ctx.log,
          'policyTests',
          token,
          { cases: [], policies: [], error: 'internal error' } as PolicyTestsResult,
          () => policyTests(ctx, params),
        ),
    );
  },
};
