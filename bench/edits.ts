// The edit used by the edit scenarios: turn one `patterns` item into a number (a schema error on
// exactly that line) and restore the item broken by the previous edit. Each edit therefore has a
// fresh, recognisable answer: an error on the new line and none on the old one. A server cannot
// satisfy the wait with a stale publish, whichever server it is and whether or not it versions
// its diagnostics.
import type { Diagnostic, TextChange } from './lsp-driver';

export class EditableDoc {
  readonly lines: string[];
  private readonly original: string[];
  private broken: number | undefined;

  constructor(text: string) {
    this.lines = text.split('\n');
    this.original = [...this.lines];
  }

  text(): string {
    return this.lines.join('\n');
  }

  private replaceLine(line: number, text: string): TextChange {
    const old = this.lines[line] as string;
    this.lines[line] = text;
    return { range: { start: { line, character: 0 }, end: { line, character: old.length } }, text };
  }

  /** Breaks `line` (a `- "…"` list item) and restores the previously broken one. */
  breakLine(line: number): TextChange[] {
    const changes: TextChange[] = [];
    if (this.broken !== undefined && this.broken !== line) {
      changes.push(this.replaceLine(this.broken, this.original[this.broken] as string));
    }
    const indent = /^\s*-\s*/.exec(this.original[line] as string)?.[0] ?? '- ';
    changes.push(this.replaceLine(line, `${indent}${10000 + line}`));
    this.broken = line;
    return changes;
  }

  /** The previously broken line, if any, before the next edit. */
  get brokenLine(): number | undefined {
    return this.broken;
  }
}

export const isError = (d: Diagnostic): boolean => d.severity === undefined || d.severity === 1;

/** The diagnostics that prove the server has seen the edit that broke `line` after `previous`. */
export function freshFor(line: number, previous: number | undefined): (ds: Diagnostic[]) => boolean {
  return (ds) =>
    ds.some((d) => isError(d) && d.range.start.line === line) &&
    (previous === undefined ||
      previous === line ||
      !ds.some((d) => isError(d) && d.range.start.line === previous));
}

/** `count` distinct lines spread evenly over [first, last]. */
export function spreadLines(first: number, last: number, count: number): number[] {
  const span = last - first + 1;
  const out: number[] = [];
  for (let k = 0; k < count; k++) out.push(first + Math.floor(((k + 0.5) * span) / count));
  return out;
}
