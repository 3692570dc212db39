import type { ReportingDescriptor, Result } from 'sarif';
import { findingDocUrl, type Finding } from '../../core/index';

export const LEVEL: Record<Finding['severity'], Result.level> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
  hint: 'note',
};

/** The rule of a file that cannot be read: named as the GitHub and GitLab reports name it. */
export const UNREADABLE = 'unreadable' as const;

/**
 * A relative path (`/`-separated) as the relative URI reference SARIF's `artifactLocation.uri` is
 * (SARIF 2.1.0 §3.4.3, RFC 3986): each segment percent-encoded as UTF-8, so that a space, `#` (a
 * fragment), `?` (a query), `%` (an escape), `:` (a scheme, in a first segment) or a non-ASCII
 * letter of a file name reads back as the same file; `/` stays the separator, `..` a step up.
 */
export function relativeUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/**
 * The rule of a finding code, with its help page; `unreadable` has none, since it is no finding
 * code of the engine (docs/decisions/ci.md).
 */
export function sarifRule(
  code: Finding['code'] | typeof UNREADABLE,
  severity: Finding['severity'],
): ReportingDescriptor {
  if (code === UNREADABLE)
    return {
      id: UNREADABLE,
      name: 'Unreadable',
      shortDescription: { text: 'Policy Lens: a policy file that cannot be read' },
      defaultConfiguration: { level: 'error' },
    };
  return {
    id: code,
    name: code.replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase()),
    shortDescription: { text: `Policy Lens ${code}` },
    helpUri: findingDocUrl(code),
    defaultConfiguration: { level: LEVEL[severity] },
  };
}
