import { printable, type Finding } from '../../core/index';
import { painter } from './color';
import { countBy, type FileResult } from './types';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function findingLine(r: FileResult, f: Finding, paint: ReturnType<typeof painter>): string {
  const pos = r.lines.positionAt(f.span.start);
  const where = paint.dim(`(${pos.line + 1}:${pos.character + 1}, ${f.code})`);
  const mark =
    f.severity === 'error' ? '' : f.severity === 'warning' ? paint.yellow('warning: ') : `${f.severity}: `;
  return `  ${mark}${printable(f.message)}  ${where}`;
}

/**
 * The seed's lint output: `✓ file — valid` or `✗ file — invalid` with the problems indented under
 * it, each with its line:col and code, and a closing count.
 */
export function formatText(
  results: readonly FileResult[],
  stream: NodeJS.WriteStream = process.stdout,
): string {
  const paint = painter(stream);
  const lines: string[] = [];
  for (const r of results) {
    const dialect = r.dialect === 'execlave' ? '' : paint.dim(` (${r.dialectLabel})`);
    // The file name and the messages (which quote keys and values) come from the files: escaped.
    const file = printable(r.file);
    if (r.readError) {
      lines.push(`${paint.red('✗')} ${file} — unreadable: ${printable(r.readError)}`);
      continue;
    }
    const errors = r.findings.filter((f) => f.severity === 'error').length;
    const others = r.findings.length - errors;
    if (errors) lines.push(`${paint.red('✗')} ${file} — invalid${dialect}`);
    else
      lines.push(
        `${paint.green('✓')} ${file} — valid${dialect}${others ? ` (${plural(others, 'note')})` : ''}`,
      );
    for (const f of r.findings) lines.push(findingLine(r, f, paint));
  }
  const errors = countBy(results, 'error');
  const warnings = countBy(results, 'warning');
  lines.push(
    `${plural(results.length, 'bundle')} validated, ${plural(errors, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}`,
  );
  return lines.join('\n') + '\n';
}
