import { resolveProblem } from '../analyze';
import type { Finding, RelatedInfo } from '../findings';
import type { FixSpec } from '../problem';
import type { FindingCode } from '../rules';
import { nameSpan, placingDocument, type ChainPolicy } from './policy';

/** A chain finding at `path` of `policy`'s document (undefined when the document has no tree). */
export function place(
  policy: ChainPolicy,
  path: (string | number)[],
  code: FindingCode,
  severity: Finding['severity'],
  message: string,
  fixes?: FixSpec[],
): Finding | undefined {
  const doc = placingDocument(policy);
  if (!doc.root) return undefined;
  return resolveProblem({ code, severity, message, path, target: 'value', ...(fixes ? { fixes } : {}) }, doc);
}

/** Related information that points at a bundle's `name`. */
export function link(policy: ChainPolicy, message: string): RelatedInfo {
  return { uri: policy.uri, span: nameSpan(policy) ?? { start: 0, end: 0 }, message };
}

/**
 * How many other bundles a duplicate-name or inactive-prerequisite finding links: a name shared by
 * thousands of bundles would otherwise put thousands of links on each of thousands of findings
 * (the message still counts them all).
 */
export const MAX_RELATED = 12;
