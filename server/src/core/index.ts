/** The only import surface of the engine: the CLI, the language server and the registry use this. */
export {
  analyze,
  analyzeInSteps,
  finishAnalysis,
  validateValue,
  problemsOf,
  tooLargeFinding,
  type Analysis,
  type AnalysisSteps,
} from './analyze';
export { RULES, FINDING_CODES, isFindingCode, ruleDocPath, type FindingCode } from './rules';
export * from './findings';
export * from './text';
export * from './problem';
export * from './parse';
export { DIALECTS, getDialect, recognize, classify, looksLikePolicy, type Dialect } from './dialects';
export { engineFileName, isBlank, sniffPolicy } from './dialects/sniff';
export { pick } from './schema/navigate';
export { type SchemaObject } from './schema/compile';
export { nearest, didYouMean } from './suggest';
export { SuggestIndex } from './suggestIndex';
export { findCycleThrough, formatCycle } from './chain/cycles';
export * from './chain';
export * from './plan';
export * from './export';
export * from './ports';
export {
  compilePolicies,
  evaluate,
  runEvents,
  emptyState,
  loadPolicy,
  type CompileOptions,
  type CompiledPolicies,
  type EvalState,
  type EvalEvent,
  type EvalResult,
  type TraceEntry,
  type PolicySource,
  readEvent,
  readPolicyTest,
  runCase,
  caseOffset,
  stepOffset,
  type CaseOutcome,
  failureLines,
  type PolicyWhy,
  expectableNames,
  expectNameSites,
  quoteIfNeeded,
  policyTestFindings,
  gatherTestedPolicies,
  policiesLoadFinding,
  loadsItsPolicies,
  testFileFindings,
  policyPathsOf,
  type GatheredPolicies,
  type LoadError,
  type PolicyPathListing,
  suggestTestCase,
  caseYaml,
  testFileYaml,
  type ExpectableNames,
} from './eval';
export * from './replay';
export * from './config';
export { applySuppressions, suppressionFixer } from './suppress';
export { fixAll, applyEdits } from './assist/fixAll';
export { unifiedDiff } from './assist/unifiedDiff';
export type { CandidateKind, CompletionCandidate } from './assist/candidates';
export { completionAt } from './assist/completion';
export type { CursorContext } from './assist/cursor';
export { hoverAt } from './assist/hover';
export {
  expectNameAt,
  namedPolicies,
  policyTestCompletionAt,
  policyTestHoverAt,
  testFileDocument,
  wantsPolicyNames,
  type NamedPolicy,
  type TestFileDocument,
} from './assist/testFile';
export { definitionAt, referencesAt, prepareRenameAt, renameAt } from './assist/navigation';
export { isPrerequisiteEntry, prerequisiteCompletion } from './assist/prerequisites';
export { schemaContextOf, type AssistDocument } from './assist/schema';
export { snippetToPlain } from './assist/snippet';
export { decodeUtf16, encodeUtf16, utf16Order, type Utf16Order } from './utf16';
