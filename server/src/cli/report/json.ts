import type { FileResult } from './types';
import { countBy } from './types';

/**
 * Every command's JSON output: one object whose first key is \`version\` (the CLI's, from
 * package.json), then the command's own keys. The names are shared across commands: \`file\` is a
 * path as the text report prints it, \`files\` the per-file results, \`summary\` the counts
 * (schemas/cli/ holds each command's schema).
 */
export function toJson(version: string, body: object): string {
  return JSON.stringify({ version, ...body }, null, 2) + '\n';
}

/** Stands for the long array in a document given to `jsonChunks`. */
export const ITEMS: never[] = [];
const MARK = '\u0000policylens:items\u0000';

/**
 * `JSON.stringify(doc, null, 2) + '\n'`, byte for byte, in chunks: `doc` holds `ITEMS` where its
 * one long array goes, and that array's elements are `itemsOf` each source, printed one source per
 * chunk. A lint report of thousands of files with hundreds of findings each is more than V8 lets
 * one string hold; a chunk is never more than one file's (capped) findings.
 */
export function* jsonChunks<S>(
  doc: object,
  sources: Iterable<S>,
  itemsOf: (source: S) => readonly object[],
): Generator<string> {
  const frame = jsonFrame(doc);
  yield frame.open;
  for (const source of sources) {
    const chunk = itemsOf(source)
      .map((item) => frame.item(item))
      .join('');
    if (chunk) yield chunk;
  }
  yield frame.close();
}

/**
 * The pieces `jsonChunks` prints, for a writer whose items come one at a time from elsewhere (an
 * async source): the opening up to the array's `[`, each item (with its comma), and the closing.
 */
export function jsonFrame(doc: object): { open: string; item(item: object): string; close(): string } {
  const text = JSON.stringify(doc, (_, v: unknown) => (v === ITEMS ? MARK : v), 2);
  const [head, tail, ...more] = text.split(JSON.stringify(MARK));
  if (tail === undefined || more.length) throw new Error('jsonChunks: the document must hold ITEMS once');
  // The array's elements are one level deeper than the line that holds it.
  const indent = /^ */.exec(head.slice(head.lastIndexOf('\n') + 1))![0];
  const newline = `\n${indent}  `;
  // An item is printed as the last of as many nested arrays as it is deep in the document, and cut
  // out of them: JSON.stringify indents it as in place, which a `replace` of each of its newlines
  // did over again (a tenth of the report's time for 5,000 files).
  const depth = indent.length / 2 + 1;
  const nest = (x: unknown) => {
    for (let i = 0; i < depth; i++) x = [x];
    return x;
  };
  const sample = JSON.stringify(nest(0), null, 2);
  const before = sample.indexOf('0');
  const afterLength = sample.length - before - 1;
  let empty = true;
  return {
    open: head + '[',
    item(item) {
      const nested = JSON.stringify(nest(item), null, 2);
      const out = (empty ? '' : ',') + newline + nested.slice(before, nested.length - afterLength);
      empty = false;
      return out;
    },
    close: () => (empty ? ']' : `\n${indent}]`) + tail + '\n',
  };
}

/**
 * Machine-readable lint output: one object per file, ranges zero-based as in LSP; one chunk per file.
 * `file` is `pathOf` (from the current directory, as the text report's finding lines start), not
 * the display path under its argument: two `p.yaml` of two folders are two different files.
 */
export function formatJsonChunks<T extends FileResult>(
  results: readonly T[],
  version: string,
  pathOf: (r: T) => string,
): Generator<string> {
  const summary = {
    files: results.length,
    errors: countBy(results, 'error'),
    warnings: countBy(results, 'warning'),
  };
  return jsonChunks({ version, files: ITEMS, summary }, results, (r) => [
    {
      file: pathOf(r),
      dialect: r.dialect,
      valid: !r.readError && !r.findings.some((f) => f.severity === 'error'),
      ...(r.readError ? { error: r.readError } : {}),
      findings: r.findings.map((f) => ({
        code: f.code,
        severity: f.severity,
        message: f.message,
        ...(f.path !== undefined ? { path: f.path } : {}),
        range: { start: r.lines.positionAt(f.span.start), end: r.lines.positionAt(f.span.end) },
        ...(f.fixes?.length ? { fixes: f.fixes.map((x) => x.title) } : {}),
      })),
    },
  ]);
}
