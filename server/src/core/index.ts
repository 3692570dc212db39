/** The only import surface of the engine: the CLI, the language server and the registry use this. */
export {
  analyze,
  validateValue,
  problemsOf,
  resolveProblem,
  tooLargeFinding,
  type Analysis,
  type AnalyzeOptions,
  type PolicyClass,
  type ValueProblem,
} from './analyze';
export { RULES, FINDING_CODES, isFindingCode, ruleDocPath, type FindingCode, type RuleInfo } from './rules';
export * from './findings';
export * from './text';
export * from './problem';
export * from './parse';
export { sourceOffsetInString } from './parse/strings';
export {
  DIALECTS,
  detectDialect,
  getDialect,
  recognize,
  classify,
  looksLikePolicy,
  commentHint,
  dialectComment,
  type Dialect,
  type Recognition,
  type RecognizedBy,
} from './dialects';
export { schemasAt, propertiesAt, pick, skeletonFor } from './schema/navigate';
export { validatorFor, type SchemaObject } from './schema/compile';
export { buildFixes, addPropertiesEdit, removePropertyEdit } from './edit/fixes';
export { scalarText, keyText, yamlBlockValue, flowValue } from './edit/serialize';
export { nearest, didYouMean, editDistance } from './suggest';
export { SuggestIndex } from './suggestIndex';
export { findCycleThrough, formatCycle, type Graph } from './chain/cycles';
export * from './chain';
export * from './plan';
export * from './ports';
export {
  celCompletions,
  celVariableInfo,
  checkCel,
  expressionContextAt,
  CEL_FUNCTIONS,
  type CelCompletion,
  type CelContextId,
  type CelVariable,
} from './cel';
export {
  nameOccurrences,
  referenceCandidates,
  referenceTarget,
  type NameCandidate,
  type NameOccurrences,
} from './dialects/references';
export { schemaComment } from './dialects';
export {
  compilePolicies,
  evaluate,
  runEvents,
  emptyState,
  loadPolicy,
  policyNames,
  type CompiledPolicies,
  type EvalState,
  type EvalEvent,
  type EvalResult,
  type TraceEntry,
  type PolicySource,
  type LoadedPolicy,
  type Decision as EvalDecision,
  readEvent,
  readPolicyTest,
  runCase,
  caseOffset,
  type CaseOutcome,
  type PolicyTestCase,
  type PolicyTestFile,
} from './eval';
export * from './replay';
export * from './config';
export { applySuppressions, suppressionFix } from './suppress';
export { fixAll, applyEdits, type FixAllOptions, type FixAllResult } from './assist/fixAll';
export { unifiedDiff } from './assist/unifiedDiff';
export type { CandidateKind, CompletionCandidate, HoverResult } from './assist/candidates';
export { completionAt } from './assist/completion';
export type { CursorContext } from './assist/cursor';
export { hoverAt } from './assist/hover';
export { definitionAt, referencesAt, prepareRenameAt, renameAt } from './assist/navigation';
export { isPrerequisiteEntry, prerequisiteCompletion } from './assist/prerequisites';
export { schemaContextOf, type AssistDocument, type SchemaContext } from './assist/schema';
export { snippetToPlain } from './assist/snippet';
