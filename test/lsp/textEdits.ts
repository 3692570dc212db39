// Text helpers of the LSP tests: cursor markers in fixtures, positions and offsets, text edits.

/** Splits a fixture text at its cursor marker (`$0`, or else the one `|`). */
export function splitCursor(marked: string): { text: string; offset: number } {
  let offset = marked.indexOf('$0');
  if (offset >= 0) return { text: marked.slice(0, offset) + marked.slice(offset + 2), offset };
  offset = marked.indexOf('|');
  if (offset < 0) throw new Error('fixture has no cursor marker (| or $0)');
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}

/** The LSP position of an offset. */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** The offset of an LSP position. */
export function offsetAt(text: string, pos: { line: number; character: number }): number {
  const lines = text.split('\n');
  let off = 0;
  for (let i = 0; i < pos.line && i < lines.length; i++) off += lines[i].length + 1;
  return Math.min(text.length, off + pos.character);
}

/** Applies LSP text edits to a text. */
export function applyTextEdits(
  text: string,
  edits: {
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    newText: string;
  }[],
): string {
  const abs = edits.map((e) => ({
    start: offsetAt(text, e.range.start),
    end: offsetAt(text, e.range.end),
    newText: e.newText,
  }));
  abs.sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of abs) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
