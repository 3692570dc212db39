import { ruleDocPath, type FindingCode } from './rules';
import type { Span } from './text';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** One text replacement; offsets are into the document the finding belongs to. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

/** A repair the user can apply. Edits may touch other files only through `fileEdits`. */
export interface Fix {
  title: string;
  edits: TextEdit[];
  isPreferred?: boolean;
  /**
   * The fix keeps what the policy means (a legacy spelling the server reads the same way, a
   * duplicate, an unused suppression): `lint --fix` applies only these. A fix that guesses (the
   * nearest enum value, a rename of an unknown key) changes meaning and is left to a person.
   */
  safe?: boolean;
  /**
   * Why a fix that would keep the policy's meaning is not `safe` here: it would also change other
   * values (the aliases of an anchored value). The finding's message says it.
   */
  held?: string;
  /** Edits to other files, keyed by URI (a rename across the workspace, for example). */
  fileEdits?: Record<string, TextEdit[]>;
}

export interface RelatedInfo {
  uri: string;
  span: Span;
  message: string;
}

/** The one result type of the engine: the CLI prints it, the language server publishes it. */
export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
  span: Span;
  /** The document path of the value the finding is about, as the CLI prints it (`tools[0].name`). */
  path?: string;
  fixes?: Fix[];
  related?: RelatedInfo[];
  tags?: ('unnecessary' | 'deprecated')[];
}

/** Where each finding code is documented; the LSP puts it in `codeDescription.href`. */
export const DOCS_BASE = 'https://github.com/policy-lens/policy-lens/blob/main/';

export function findingDocUrl(code: FindingCode): string {
  return `${DOCS_BASE}${ruleDocPath(code)}`;
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.span.start - b.span.start || a.span.end - b.span.end || a.code.localeCompare(b.code);
}

/**
 * Findings reported per file. A real policy has a handful; a file with hundreds of thousands (every
 * key unknown, every item a duplicate) is not a policy being edited, and reporting all of them cost
 * more than a gigabyte and half a minute. The first ones, in the order of the text, say what is
 * wrong; one more finding says the rest were not reported (docs/decisions/hostile-input.md).
 */
export const MAX_FINDINGS_PER_FILE = 1000;

/**
 * Keeps the first `limit` of `findings` (sorted by position) and, when there were more, adds
 * `parse/too-many-findings` where the first finding left out begins. A list the engine already
 * capped, merged with a few cross-file findings, is capped again the same way.
 */
export function capFindings(findings: Finding[], limit = MAX_FINDINGS_PER_FILE): Finding[] {
  const summary = findings.find((f) => f.code === 'parse/too-many-findings');
  const kept = summary ? findings.filter((f) => f !== summary) : findings;
  if (kept.length <= limit) return findings;
  return [...kept.slice(0, limit), tooManyFindings(kept[limit], limit)];
}

function tooManyFindings(at: Finding, limit: number): Finding {
  const n = limit.toLocaleString('en-US');
  return {
    code: 'parse/too-many-findings',
    severity: 'error',
    message: `more than ${n} findings in this file: only the first ${n} are reported`,
    span: { ...at.span },
  };
}
