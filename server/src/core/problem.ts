import type { PathSegment } from './parse/ast';
import type { Severity } from './findings';
import type { FindingCode } from './rules';

/**
 * `safe`: the repair keeps what the policy means (see Fix.safe); `lint --fix` applies only these.
 *
 * A repair described by meaning, not by offsets: the engine only turns it into text edits when
 * the finding is placed (see fixes.ts), so a valid file never pays for it.
 */
export type FixSpec =
  | { kind: 'replaceValue'; value: unknown; title?: string; preferred?: boolean; safe?: boolean }
  | { kind: 'renameKey'; to: string; title?: string; preferred?: boolean; safe?: boolean }
  | { kind: 'removeKey'; title?: string; preferred?: boolean; safe?: boolean }
  | { kind: 'removeItem'; title?: string; preferred?: boolean; safe?: boolean }
  | { kind: 'addKeys'; entries: [string, unknown][]; title?: string; preferred?: boolean; safe?: boolean }
  | { kind: 'wrapInArray'; title?: string; preferred?: boolean; safe?: boolean }
  /**
   * Several repairs as one fix, each at its own path from the document root (moving a flat key
   * into a nested mapping: remove it here, add it there).
   */
  | {
      kind: 'composite';
      steps: { path: PathSegment[]; fix: FixSpec }[];
      title?: string;
      preferred?: boolean;
      safe?: boolean;
    };

/**
 * What a rule reports: a problem at a path of the document. `target` says which token carries it:
 * the key of the last segment, its value, or (for a missing key) the key of the object that lacks
 * it. `inner` narrows a string value to a part of it, in the string's decoded characters (a CEL
 * syntax error inside an expression string).
 */
export interface Problem {
  code: FindingCode;
  severity: Severity;
  message: string;
  path: PathSegment[];
  target: 'key' | 'value' | 'parentKey';
  inner?: { start: number; end: number };
  /** For a missing required key: its name (the problem's path is the object that lacks it). */
  missing?: string;
  fixes?: FixSpec[];
}

/**
 * The fixes of an unknown key: rename it to each near known key (preferred when there is exactly
 * one), or remove it. Every dialect's unknown-key rule offers the same choices.
 */
export function renameOrRemoveKey(key: string, near: readonly string[]): FixSpec[] {
  return [
    ...near.map((n, i) => ({
      kind: 'renameKey' as const,
      to: n,
      title: `Rename "${key}" to "${n}"`,
      preferred: i === 0 && near.length === 1,
    })),
    { kind: 'removeKey' as const, title: `Remove "${key}"` },
  ];
}
