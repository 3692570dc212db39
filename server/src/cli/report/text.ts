import { printable, type Finding, type Span } from '../../core/index';
import type { Paint } from './color';
import { countedFiles } from './counted';
import { countBy, type FileResult } from './types';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export interface TextOptions<T extends FileResult = FileResult> {
  paint: Paint;
  /** The path a finding line starts with: from the current directory, so a terminal can open it. */
  pathOf(r: T): string;
  /** The path a file's `✓`/`✗` line names (by default its `file`). */
  headerOf?(r: T): string;
  /** Errors only: no `✓` line, no warning or note (`--quiet`). */
  quiet?: boolean;
  /** `path:line:col` of a place in another linted file (a finding's related place), if it is one. */
  placeOf?(file: string, span: Span): string | undefined;
}

/** Related places shown under a finding, at most: a duplicate name's other files, say. */
const MAX_RELATED_LINES = 3;

/**
 * The places a finding relates to, as `path:line:col: note: message` lines under it (gcc's notes):
 * the other bundles of a duplicate name, the inactive prerequisite. A cycle's breadcrumb already
 * names its hops, so its findings get none (a dense graph has a hundred thousand of them).
 */
function relatedLines<T extends FileResult>(f: Finding, o: TextOptions<T>): string[] {
  if (!o.placeOf || !f.related?.length || f.code === 'chain/cycle') return [];
  const out: string[] = [];
  for (const r of f.related.slice(0, MAX_RELATED_LINES)) {
    const at = o.placeOf(r.uri, r.span);
    if (at) out.push(`${at}: ${o.paint.dim('note')}: ${printable(r.message)}`);
  }
  return out;
}

/**
 * One finding as compilers print them, `path:line:col: severity: message [code]`: terminals and
 * editors make the start a link, and problem matchers (VS Code's `$gcc` shape) read the rest.
 */
function findingLine<T extends FileResult>(r: T, path: string, f: Finding, o: TextOptions<T>): string {
  const pos = r.lines.positionAt(f.span.start);
  const severity =
    f.severity === 'error'
      ? o.paint.red('error')
      : f.severity === 'warning'
        ? o.paint.yellow('warning')
        : f.severity;
  return `${path}:${pos.line + 1}:${pos.character + 1}: ${severity}: ${printable(f.message)} ${o.paint.dim(`[${f.code}]`)}`;
}

/**
 * The seed's lint output: `✓ file — valid` or `✗ file — invalid` for each file, then each of its
 * problems on a line of its own that starts with `path:line:col`, and a closing count. One chunk
 * per file.
 */
export function* formatTextChunks<T extends FileResult>(
  results: readonly T[],
  o: TextOptions<T>,
): Generator<string> {
  const { paint } = o;
  for (const r of results) {
    const dialect = r.dialect === 'execlave' ? '' : paint.dim(` (${r.dialectLabel})`);
    // The file name and the messages (which quote keys and values) come from the files: escaped.
    const file = printable(o.headerOf ? o.headerOf(r) : r.file);
    if (r.readError) {
      yield `${paint.red('✗')} ${file} — unreadable: ${printable(r.readError)}\n`;
      continue;
    }
    const lines: string[] = [];
    const errors = r.findings.filter((f) => f.severity === 'error').length;
    if (errors) lines.push(`${paint.red('✗')} ${file} — invalid${dialect}`);
    else if (o.quiet) continue;
    else {
      // Named by severity: "1 note" beside a warning read as if it were only a remark.
      const others = lesserCounts(r.findings);
      lines.push(`${paint.green('✓')} ${file} — valid${dialect}${others ? ` (${others})` : ''}`);
    }
    // The path once per file: a file on a dense prerequisite graph has hundreds of findings.
    const path = r.findings.length ? printable(o.pathOf(r)) : '';
    for (const f of r.findings)
      if (!o.quiet || f.severity === 'error') lines.push(findingLine(r, path, f, o), ...relatedLines(f, o));
    yield lines.join('\n') + '\n';
  }
  const errors = countBy(results, 'error');
  const warnings = countBy(results, 'warning');
  // Each kind of file by its name: test files and other formats' files are no bundles.
  const checked = countedFiles(results);
  yield `${checked} validated, ${plural(errors, 'error')}${warnings && !o.quiet ? `, ${plural(warnings, 'warning')}` : ''}\n`;
}

/** `2 warnings, 1 info` for a valid file's findings; empty when it has none. */
function lesserCounts(findings: readonly { severity: string }[]): string {
  const n = (severity: string) => findings.filter((f) => f.severity === severity).length;
  const [warnings, infos, hints] = [n('warning'), n('info'), n('hint')];
  return [
    warnings ? plural(warnings, 'warning') : '',
    infos ? `${infos} info` : '',
    hints ? plural(hints, 'hint') : '',
  ]
    .filter(Boolean)
    .join(', ');
}
