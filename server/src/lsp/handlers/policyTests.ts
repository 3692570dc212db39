import {
  caseOffset,
  failureLines,
  languageOf,
  LineIndex,
  ParsedDocument,
  readPolicyTest,
  runCase,
} from '../../core/index';
import { PolicyTestsRequest, type PolicyTestsParams, type PolicyTestsResult } from '../../protocol/index';
import type { Feature, ServerContext } from '../context';
import { runSafe } from '../runSafe';
import { testPoliciesOf } from '../testFiles';

/** `policyLens/policyTests`: lists or runs the cases of one test file. */
export async function policyTests(ctx: ServerContext, params: PolicyTestsParams): Promise<PolicyTestsResult> {
  const loader = testPoliciesOf(ctx);
  const text = await loader.textOf(params.uri);
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
  const loaded = await loader.load(params.uri, file.policies ?? ['.'], !!file.policies);
  if (loaded.error)
    return { cases: [], policies: [], error: `its policies do not load: ${loaded.error.message}` };
  const { compiled } = loaded;
  const cases = listed
    .filter(({ c }) => !wanted || wanted.has(c.name))
    .map(({ c, line }) => {
      const out = runCase(compiled, c);
      return {
        name: c.name,
        line,
        passed: out.passed,
        failures: failureLines(out.failures, out.why),
        decision: out.results[out.results.length - 1]?.decision,
        expectedDecision: c.expect.decision,
      };
    });
  return { cases, policies: loaded.sources.map((s) => s.uri) };
}

export const policyTestsFeature: Feature = {
  name: 'policyTests',
  register(ctx) {
    ctx.connection.onRequest(PolicyTestsRequest, (params, token) =>
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
