import { displayPath, type PathSegment } from '../../parse/ast';

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Where each part of an Agent Sentinel policy lives: flat in the platform policy, nested under
 * `budgets` and `evidence` in callguard.yaml. The rules both formats share read the policy
 * through this map, so one rule reports at the right path in either file.
 */
export interface Layout {
  denied_actions: PathSegment[];
  allowed_actions: PathSegment[];
  rate_limits: PathSegment[];
  action_budgets: PathSegment[];
  evidence_requirements: PathSegment[];
  evidence_max_age_seconds: PathSegment[];
  commit_actions: PathSegment[];
  evidence_actions: PathSegment[];
  argument_constraints: PathSegment[];
  grounding_rules: PathSegment[];
  approval_actions?: PathSegment[];
  /**
   * Whether an empty `allowed_actions` is an allowlist of nothing: callguard.yaml's loader turns
   * allowlist mode on by the key's presence, the platform only for a non-empty list (§3.2, §3.3).
   */
  emptyAllowlistBlocks: boolean;
}

export const PLATFORM: Layout = {
  denied_actions: ['denied_actions'],
  allowed_actions: ['allowed_actions'],
  rate_limits: ['rate_limits'],
  action_budgets: ['action_budgets'],
  evidence_requirements: ['evidence_requirements'],
  evidence_max_age_seconds: ['evidence_max_age_seconds'],
  commit_actions: ['commit_actions'],
  evidence_actions: ['evidence_actions'],
  argument_constraints: ['argument_constraints'],
  grounding_rules: ['grounding_rules'],
  approval_actions: ['approval_actions'],
  emptyAllowlistBlocks: false,
};

export const CALLGUARD: Layout = {
  denied_actions: ['denied_actions'],
  allowed_actions: ['allowed_actions'],
  rate_limits: ['rate_limits'],
  action_budgets: ['budgets', 'actions'],
  evidence_requirements: ['evidence', 'requirements'],
  evidence_max_age_seconds: ['evidence', 'max_age_seconds'],
  commit_actions: ['evidence', 'commit_actions'],
  evidence_actions: ['evidence', 'evidence_actions'],
  argument_constraints: ['evidence', 'argument_constraints'],
  grounding_rules: ['evidence', 'grounding_rules'],
  emptyAllowlistBlocks: true,
};

export function get(doc: unknown, path: readonly PathSegment[]): unknown {
  let cur = doc;
  for (const seg of path)
    cur = isObj(cur) || Array.isArray(cur) ? (cur as Record<string | number, unknown>)[seg] : undefined;
  return cur;
}

export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** A path as messages print it: `evidence.requirements`, `denied_actions[0]`. */
export const show = displayPath;
