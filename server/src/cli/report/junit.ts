import { failureLines } from '../../core/index';
import type { FileReport } from '../eval/tests';

function xml(s: string): string {
  return (
    s
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // Characters XML 1.0 cannot carry at all.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}

/**
 * Text for an attribute: as `xml`, with line breaks and tabs as character references, since a
 * parser reads a raw one in an attribute value as a space (XML 1.0 §3.3.3) and the lines of a
 * message would run together.
 */
function attr(s: string): string {
  return xml(s).replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

/**
 * JUnit XML, the format CI dashboards read: one `testsuite` per test file, one `testcase` per case,
 * a `failure` with every unmet expectation (and, under it, why each policy it is about did what it
 * did); a file that cannot run is one failing case, whose
 * `message` is the whole reason (its first line alone is `not a valid test file:`). There are
 * no times: the run is deterministic and a time would only make the report differ between runs.
 */
export function formatJunit(files: readonly FileReport[]): string {
  const count = (f: FileReport) => (f.error ? 1 : f.cases.length);
  const failed = (f: FileReport) => (f.error ? 1 : f.cases.filter((c) => !c.passed).length);
  const total = files.reduce((n, f) => n + count(f), 0);
  const failures = files.reduce((n, f) => n + failed(f), 0);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="policylens test" tests="${total}" failures="${failures}">`,
  ];
  for (const f of files) {
    out.push(`  <testsuite name="${attr(f.file)}" tests="${count(f)}" failures="${failed(f)}">`);
    if (f.error)
      out.push(
        `    <testcase name="${attr(f.file)}" classname="${attr(f.file)}" file="${attr(f.file)}">`,
        `      <failure message="${attr(f.error)}">${xml(f.error)}</failure>`,
        '    </testcase>',
      );
    for (const c of f.cases) {
      const attrs = `name="${attr(c.name)}" classname="${attr(f.file)}" file="${attr(f.file)}"${c.line ? ` line="${c.line}"` : ''}`;
      if (c.passed) out.push(`    <testcase ${attrs}/>`);
      else
        out.push(
          `    <testcase ${attrs}>`,
          `      <failure message="${attr(c.failures[0])}">${xml(failureLines(c.failures, c.why).join('\n'))}</failure>`,
          '    </testcase>',
        );
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
