/** Offsets into a document's text, in UTF-16 code units (the unit of JavaScript strings and of LSP). */
export interface Span {
  start: number;
  end: number;
}

/** A zero-based line and character, as LSP counts them. */
export interface Position {
  line: number;
  character: number;
}

/**
 * Maps offsets to lines and characters. Built on demand: a valid file needs no positions, so the
 * line table is only computed when a finding has to be placed.
 */
export class LineIndex {
  private starts: number[] | undefined;
  constructor(readonly text: string) {}

  private lineStarts(): number[] {
    if (!this.starts) {
      const t = this.text;
      // A byte order mark is no character of the first line: editors hide it (VS Code, Neovim and
      // Helix drop it from the buffer), so a finding on line 1 of a file that starts with one is
      // placed in the columns a person sees, the same as in the file without it.
      const starts = [t.charCodeAt(0) === 0xfeff ? 1 : 0];
      for (let i = 0; i < t.length; i++) {
        const c = t.charCodeAt(i);
        if (c === 10) starts.push(i + 1);
        else if (c === 13) {
          if (t.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
      this.starts = starts;
    }
    return this.starts;
  }

  get lineCount(): number {
    return this.lineStarts().length;
  }

  /** Where each line starts (what `lint --cache` keeps to place findings without the text). */
  lineStartOffsets(): readonly number[] {
    return this.lineStarts();
  }

  positionAt(offset: number): Position {
    return positionIn(this.lineStarts(), this.text.length, offset);
  }

  offsetAt(pos: Position): number {
    const starts = this.lineStarts();
    if (pos.line < 0) return 0;
    if (pos.line >= starts.length) return this.text.length;
    // A character past the line's end is its end (LSP: it "defaults back to the line length"),
    // before the line break: past it, a hover or a completion answered for the next line.
    let lineEnd = this.text.length;
    if (pos.line + 1 < starts.length) {
      lineEnd = starts[pos.line + 1] - 1;
      if (this.text.charCodeAt(lineEnd) === 10 && this.text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    }
    return Math.max(starts[pos.line], Math.min(starts[pos.line] + pos.character, lineEnd));
  }

  lineStart(line: number): number {
    const starts = this.lineStarts();
    return starts[Math.max(0, Math.min(line, starts.length - 1))];
  }
}

/** The position of an offset in a text of `length` units whose lines start at `starts`. */
export function positionIn(starts: readonly number[], length: number, offset: number): Position {
  const o = Math.max(0, Math.min(offset, length));
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= o) lo = mid;
    else hi = mid - 1;
  }
  // Only the byte order mark itself lies before its line's start.
  return { line: lo, character: Math.max(0, o - starts[lo]) };
}

/** `L:C-L:C`, one-based, as the CLI prints ranges and fixtures record them. */
export function formatSpan(index: LineIndex, span: Span): string {
  const a = index.positionAt(span.start);
  const b = index.positionAt(span.end);
  return `${a.line + 1}:${a.character + 1}-${b.line + 1}:${b.character + 1}`;
}

/**
 * Characters a terminal acts on instead of showing: C0 controls but the tab (ESC starts a
 * sequence that can recolour, retitle or rewrite the screen, BEL rings, CR and LF forge lines),
 * DEL, C1 controls (U+009B is a one-character CSI on some terminals) and the bidirectional
 * formatting characters that reorder what a reader sees.
 */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A field of a policy file (a name, a key, a path, a message that quotes them) as it may be printed
 * to a terminal: every character above written as its escape (`\u001b`), the rest unchanged.
 * Apply it to each field, not to a whole report: the report's own line breaks and colours are
 * structure.
 */
export function printable(s: string): string {
  UNPRINTABLE.lastIndex = 0;
  if (!UNPRINTABLE.test(s)) return s;
  return s.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** How wide a text table's column of names may grow: a longer name overflows its own line. */
export const COLUMN_CAP = 48;

/**
 * The width of a column of names, for `padEnd`: its longest cell, up to `COLUMN_CAP`. One name of
 * 255 characters (the registry's limit) padded every line of a sync plan or an export list to about
 * 270 columns; capped, only its own line is long, and no name is cut. A loop, not
 * `Math.max(...cells)`: a million cells overflow the call stack.
 */
export function columnWidth(cells: Iterable<string>, cap = COLUMN_CAP): number {
  let width = 0;
  for (const c of cells) if (c.length > width) width = c.length;
  return Math.min(width, cap);
}

/**
 * `a.json, b.json and 3 more`: the first `max` items of a list (made into text only those), the
 * rest counted; `a and b` when all are shown.
 */
export function listed<T>(items: readonly T[], text: (item: T) => string, max: number): string {
  const shown = items.slice(0, max).map(text);
  const more = items.length - shown.length;
  if (more) return `${shown.join(', ')} and ${more} more`;
  return shown.length > 1
    ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`
    : shown.join('');
}

/** The line break a text uses (its first one): `\n` when it has none. */
export function lineBreakOf(text: string): '\n' | '\r\n' {
  const i = text.indexOf('\n');
  return i > 0 && text.charCodeAt(i - 1) === 13 ? '\r\n' : '\n';
}

/**
 * An edit's new text with the line breaks of the text it goes into. The engine writes `\n`; a fix
 * or a completion of several lines in a CRLF file left it with mixed line endings (a field test).
 */
export function withLineBreaks(newText: string, eol: '\n' | '\r\n'): string {
  return eol === '\n' || !newText.includes('\n') ? newText : newText.replace(/\r?\n/g, eol);
}
