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
