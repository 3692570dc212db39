import type { Span } from '../text';

/** What a completion offers, in the editor's terms but as plain data (lsp/ maps the kind). */
export type CandidateKind =
  'property' | 'value' | 'reference' | 'snippet' | 'variable' | 'keyword' | 'function';

/**
 * One completion candidate: what to show and the text that replaces `span`. The language server
 * turns it into a CompletionItem; a CLI or a test reads it as it is.
 */
export interface CompletionCandidate {
  label: string;
  kind: CandidateKind;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  sortText?: string;
  filterText?: string;
  /** `snippet`: `newText` holds tab stops (`$1`, `${1|a,b|}`); `plain`: said explicitly. */
  format?: 'snippet' | 'plain';
  /** The text is inserted as written: the client must not re-indent its lines. */
  asIs?: boolean;
  /** Offered but discouraged (struck through): a prerequisite that would close a cycle. */
  deprecated?: boolean;
  span: Span;
  newText: string;
  /** Edits elsewhere that accepting the item makes too (the comma after a JSON member before it). */
  additionalEdits?: { start: number; end: number; newText: string }[];
}

/** A hover's markdown and the span it describes. */
export interface HoverResult {
  markdown: string;
  span: Span;
}
