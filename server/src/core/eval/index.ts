/**
 * What policies do: `(policies, event, state) → decision trace`, for all three products. Pure:
 * the clock comes from the event and the state is data in and data out. The CLI's `eval` and
 * `test`, the language server's test runs and the benchmark all call these functions.
 */
export * from './types';
export {
  compilePolicies,
  evaluate,
  runEvents,
  policyNames,
  type CompileOptions,
  type CompiledPolicies,
} from './engine';
export { emptyState, type EvalState } from './state';
export { detectPii, luhn } from './pii';
export { looksLikeCel } from './preloop-conditions';
export { loadPolicy, type LoadedPolicy } from './load';
export {
  readEvent,
  readPolicyTest,
  runCase,
  unmet,
  caseOffset,
  stepOffset,
  type CaseOutcome,
  type Expectation,
  type PolicyTestCase,
  type PolicyTestFile,
  type TestStep,
} from './policytest';
export { failureLines, whyLine, type PolicyWhy } from './testwhy';
export {
  EXPECT_NAME_LISTS,
  POLICY_TEST_SCHEMA,
  expectableNames,
  expectNameSites,
  isExpectNamePath,
  policyTestFindings,
  quoteIfNeeded,
  type ExpectableNames,
  type TestedPolicies,
} from './testfile';
export {
  gatherTestedPolicies,
  policiesLoadFinding,
  loadsItsPolicies,
  testFileFindings,
  policyPathsOf,
  type GatheredPolicies,
  type LoadError,
  type PolicyPathListing,
} from './testset';
export { suggestTestCase, caseYaml, testFileYaml, type SuggestedCase } from './skeleton';
