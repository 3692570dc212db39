/**
 * The commas a member or item inserted into a flow collection needs: JSON, and YAML's `{…}` and
 * `[…]`. Without them, accepting a completion between two members gave invalid JSON, and in YAML
 * either a syntax error (`{daily_budget: 3 max_cost_per_execution: 0}`) or, worse, a valid document
 * that says something else (`[credit_card ssn]` is one item, "credit_card ssn").
 */
import type { Language } from '../parse/ast';
import type { Span } from '../text';

export interface FlowCommas {
  /** Written after the inserted text: another member or item follows. */
  after: string;
  /** Inserted after the member before, which has no comma yet. */
  before?: { start: number; end: number; newText: string };
}

export const NO_COMMAS: FlowCommas = { after: '' };

/**
 * One comma after the inserted text when another member or item follows, and an additional edit
 * that puts one after the member before it when that one has none. A YAML comment between is
 * skipped: the comma goes after the member, never into the comment.
 */
export function flowCommas(text: string, span: Span, language: Language): FlowCommas {
  const yaml = language === 'yaml';
  let j = span.end;
  for (;;) {
    while (j < text.length && isWhite(text.charCodeAt(j))) j++;
    if (!yaml || text[j] !== '#') break;
    const nl = text.indexOf('\n', j);
    j = nl < 0 ? text.length : nl;
  }
  const next = text[j];
  let i = span.start - 1;
  for (;;) {
    while (i >= 0 && isWhite(text.charCodeAt(i))) i--;
    const comment = yaml && i >= 0 ? commentStart(text, i) : -1;
    if (comment < 0) break;
    i = comment - 1;
  }
  const prev = text[i];
  return {
    after: next !== undefined && !',}]'.includes(next) ? ',' : '',
    ...(prev !== undefined && !'{[,:'.includes(prev)
      ? { before: { start: i + 1, end: i + 1, newText: ',' } }
      : {}),
  };
}

/**
 * Where the YAML comment that `offset` is inside of starts on its line, or -1: a `#` at the start of
 * the line or after a space, outside quotes.
 */
function commentStart(text: string, offset: number): number {
  const lineStart = text.lastIndexOf('\n', offset) + 1;
  let quote: string | undefined;
  for (let k = lineStart; k <= offset; k++) {
    const c = text[k];
    if (quote) {
      if (c === '\\' && quote === '"') k++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (k === lineStart || isWhite(text.charCodeAt(k - 1)))) return k;
  }
  return -1;
}

function isWhite(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}
