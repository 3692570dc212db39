/** Sync plans: desired bundles vs live policies → create / update / no-op / delete, and applying them. */
export * from './types';
export {
  alsoDeclaredProblem,
  planSync,
  planFingerprint,
  prerequisiteRefs,
  prunedPrerequisiteProblem,
  stillNamedProblem,
} from './plan';
export { diffValues, formatChange, showValue, showShort } from './diff';
export { diffText } from './diffText';
export { comparable, withDefaults, WRITABLE_FIELDS, FIELD_DEFAULTS, SYNC_SOURCE } from './normalize';
export { bodyToWrite, bodyOfBundle, PLACEHOLDER_ID } from './body';
export { requestRefusal, MAX_REQUEST_BYTES, MAX_REQUEST_DEPTH, type RequestRefusal } from './limits';
export { refusedProblem } from './refusals';
export { applyPlan, idempotencyKey, idempotencyKeyAfter, type ApplyReport, type StepResult } from './apply';
export {
  formatPlan,
  formatApplyReport,
  leftAloneSentence,
  lensTitle,
  renameHint,
  renamedToHint,
} from './print';
export { desiredFromAnalysis, type DesiredOutcome } from './desired';
export { sha256Hex, canonicalJson, sameJson } from './hash';
