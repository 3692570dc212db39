/**
 * Inline suppressions in YAML comments, as eslint's disable comments:
 *
 *   # policylens-disable-next-line schema/unknown-key, legacy/key
 *   # policylens-disable-file preloop/ignored-key
 *
 * A directive is a whole-line comment. `disable-next-line` silences its codes on the line after
 * it, `disable-file` in the whole file. A code a directive names that silences nothing — the
 * problem is gone, or the code is misspelt — is reported as `suppression/unused` (with a
 * did-you-mean for an unknown code) and a fix that deletes it. JSON has no comments; a project
 * silences codes there with the config's `overrides`.
 */
import type { Finding, Fix, TextEdit } from './findings';
import type { AstNode, Language } from './parse/ast';
import { nodeAt } from './parse/locate';
import { FINDING_CODES, isFindingCode } from './rules';
import { didYouMean } from './suggest';
import { LineIndex } from './text';

const MARK = 'policylens-disable';
const DIRECTIVE = /^([ \t]*)#[ \t]*policylens-disable-(next-line|file)\b(.*)$/;

interface NamedCode {
  code: string;
  start: number;
  end: number;
  used: boolean;
}

interface Directive {
  kind: 'next-line' | 'file';
  /** Zero-based line of the comment. */
  line: number;
  /** Offsets of the whole line, its line break included. */
  lineStart: number;
  lineEnd: number;
  codes: NamedCode[];
  /** Where the codes start (right after the directive word). */
  listStart: number;
}

/**
 * A comment that looks like a directive and is none: `# policylens-disable-line x` at the end of a
 * line (eslint's spelling), a misspelt kind, or a directive after content. It silences nothing,
 * and used to say nothing either.
 */
const NOT_A_DIRECTIVE = /(^|[ \t])#[ \t]*(policylens-disable(?:-[A-Za-z-]+)?)\b(.*)$/;

interface Misplaced {
  word: string;
  /** Offsets of the comment, from the white space before its `#` to the end of the line. */
  commentStart: number;
  commentEnd: number;
  wordStart: number;
  /** The line's start, its indentation, and the codes the comment names. */
  lineStart: number;
  indent: string;
  codes: string;
}

/** A comment on the line `raw` (at `lineStart`) that looks like a directive and is none, if any. */
function misplacedOn(raw: string, lineStart: number): Misplaced | undefined {
  const m = NOT_A_DIRECTIVE.exec(raw);
  if (!m) return undefined;
  // After an odd number of quotes, the `#` is inside a string on this line, not a comment.
  const quoted = (q: string) => (raw.slice(0, m.index).split(q).length - 1) % 2 === 1;
  if (quoted('"') || quoted("'")) return undefined;
  return {
    word: m[2],
    commentStart: lineStart + m.index,
    commentEnd: lineStart + raw.length,
    wordStart: lineStart + raw.indexOf(m[2], m.index),
    lineStart,
    indent: /^[ \t]*/.exec(raw)![0],
    codes: m[3].trim(),
  };
}

/** A finding on a comment that looks like a directive and is none, with a fix that moves it above. */
function notADirective(m: Misplaced, text: string): Finding {
  const whole = text.slice(m.lineStart, m.commentStart).trim() === '';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const fixes: Fix[] =
    !whole && m.codes
      ? [
          {
            title: 'Move it above the line as policylens-disable-next-line',
            edits: [
              {
                start: m.lineStart,
                end: m.lineStart,
                newText: `${m.indent}# policylens-disable-next-line ${m.codes}${eol}`,
              },
              { start: m.commentStart, end: m.commentEnd, newText: '' },
            ],
            isPreferred: true,
          },
        ]
      : [];
  return {
    code: 'suppression/unused',
    severity: 'warning',
    message: whole
      ? `"${m.word}" is not a directive and silences nothing: the directives are policylens-disable-next-line and policylens-disable-file`
      : `"${m.word}" at the end of a line silences nothing: a directive is a comment line of its own, "# policylens-disable-next-line <codes>" above the line`,
    span: { start: m.wordStart, end: m.wordStart + m.word.length },
    fixes,
    tags: ['unnecessary'],
  };
}

/** The directives of a YAML text (none in JSON); cheap when the text has none. */
export function findDirectives(text: string, language: Language): Directive[] {
  return scanComments(text, language).directives;
}

/**
 * The directives of a YAML text, and its comments that look like directives and are none (see
 * NOT_A_DIRECTIVE), in one pass over its lines; nothing in JSON, and no pass without the mark.
 */
function scanComments(text: string, language: Language): { directives: Directive[]; misplaced: Misplaced[] } {
  const out: Directive[] = [];
  const misplaced: Misplaced[] = [];
  if (language !== 'yaml' || !text.includes(MARK)) return { directives: out, misplaced };
  let lineStart = 0;
  for (let line = 0; lineStart <= text.length; line++) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const raw = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    const m = raw.includes(MARK) ? DIRECTIVE.exec(raw) : null;
    if (!m && raw.includes(MARK)) {
      const none = misplacedOn(raw, lineStart);
      if (none) misplaced.push(none);
    } else if (m) {
      const listStart = lineStart + raw.length - m[3].length;
      const codes: NamedCode[] = [];
      for (const c of m[3].matchAll(/[^\s,]+/g))
        codes.push({
          code: c[0],
          start: listStart + c.index!,
          end: listStart + c.index! + c[0].length,
          used: false,
        });
      out.push({
        kind: m[2] as Directive['kind'],
        line,
        lineStart,
        lineEnd: Math.min(text.length, lineEnd + 1),
        codes,
        listStart,
      });
    }
    lineStart = lineEnd + 1;
  }
  return { directives: out, misplaced };
}

/** The edit that removes one code from a directive (or the whole comment line with its last code). */
function removeCodeEdit(d: Directive, c: NamedCode): TextEdit {
  if (d.codes.length <= 1) return { start: d.lineStart, end: d.lineEnd, newText: '' };
  const i = d.codes.indexOf(c);
  // Remove the code with the separator before it (or after it, for the first code).
  if (i > 0) return { start: d.codes[i - 1].end, end: c.end, newText: '' };
  return { start: c.start, end: d.codes[1].start, newText: '' };
}

function unused(d: Directive, c: NamedCode): Finding {
  const known = isFindingCode(c.code);
  const where = d.kind === 'file' ? 'in this file' : 'on the next line';
  const fix: Fix = {
    title:
      d.codes.length <= 1
        ? 'Remove the unused policylens-disable comment'
        : `Remove "${c.code}" from the comment`,
    edits: [removeCodeEdit(d, c)],
    isPreferred: true,
    safe: true,
  };
  return {
    code: 'suppression/unused',
    severity: 'warning',
    message: known
      ? `unused suppression: there is no ${c.code} finding ${where}`
      : `unused suppression: "${c.code}" is not a finding code${didYouMean(c.code, FINDING_CODES)}`,
    span: { start: c.start, end: c.end },
    fixes: [fix],
    tags: ['unnecessary'],
  };
}

/**
 * Drops the findings a directive silences and adds one `suppression/unused` finding per code that
 * silenced nothing. The CLI and the language server call it on the complete findings of a file
 * (cross-file ones included), before the config's rule settings.
 */
export function applySuppressions(findings: Finding[], text: string, language: Language): Finding[] {
  const { directives, misplaced } = scanComments(text, language);
  if (!directives.length && !misplaced.length) return findings;
  const lines = new LineIndex(text);
  const fileWide = directives.filter((d) => d.kind === 'file');
  const byLine = new Map<number, Directive[]>();
  for (const d of directives)
    if (d.kind === 'next-line') byLine.set(d.line + 1, [...(byLine.get(d.line + 1) ?? []), d]);
  const kept: Finding[] = [];
  for (const f of findings) {
    const line = lines.positionAt(f.span.start).line;
    let silenced = false;
    for (const d of [...(byLine.get(line) ?? []), ...fileWide])
      for (const c of d.codes)
        if (c.code === f.code) {
          c.used = true;
          silenced = true;
        }
    if (!silenced) kept.push(f);
  }
  for (const d of directives) {
    if (!d.codes.length) {
      kept.push({
        code: 'suppression/unused',
        severity: 'warning',
        message: `policylens-disable-${d.kind} names no finding code (write the codes to silence, e.g. schema/unknown-key)`,
        span: { start: d.listStart - `policylens-disable-${d.kind}`.length, end: d.listStart },
        tags: ['unnecessary'],
      });
      continue;
    }
    for (const c of d.codes) if (!c.used) kept.push(unused(d, c));
  }
  for (const m of misplaced) kept.push(notADirective(m, text));
  return kept.sort(
    (a, b) => a.span.start - b.span.start || a.span.end - b.span.end || a.code.localeCompare(b.code),
  );
}

/**
 * The quick-fix "Suppress <code> on this line" of each finding of one text: a directive comment
 * above the finding's line, indented like it, or the code added to the directive already there.
 * Undefined in JSON. The line table and the directives are read once per text, not once per
 * finding: a request for the actions of a whole file of 1,000 findings re-read a 590 KB text 2,000
 * times (6.7 s).
 */
export function suppressionFixer(
  text: string,
  language: Language,
  lines: Pick<LineIndex, 'positionAt' | 'offsetAt'> = new LineIndex(text),
  root?: AstNode | null,
): (finding: Finding) => Fix | undefined {
  if (language !== 'yaml') return () => undefined;
  let nextLine: Map<number, Directive> | undefined;
  let eol: string | undefined;
  return (finding) => {
    // A file that does not parse is fixed, not silenced; nor is a suppression suppressed.
    if (/^(parse|yaml|json|suppression)\//.test(finding.code)) return undefined;
    const line = lines.positionAt(finding.span.start).line;
    // On a later line of a string that spans lines (a `|` block, a quoted string), a comment line
    // above would be written into the string itself: `expression: |` then the comment changed the
    // expression. Such a finding is not offered a directive.
    if (root && insideMultilineScalar(root, finding.span.start, line, lines)) return undefined;
    const start = lines.offsetAt({ line, character: 0 });
    const title = `Suppress ${finding.code} on this line`;
    if (!nextLine) {
      nextLine = new Map();
      for (const d of findDirectives(text, language))
        if (d.kind === 'next-line' && !nextLine.has(d.line)) nextLine.set(d.line, d);
    }
    const above = nextLine.get(line - 1);
    if (above) {
      if (above.codes.some((c) => c.code === finding.code)) return undefined;
      const end = above.codes.length ? above.codes[above.codes.length - 1].end : above.listStart;
      return {
        title,
        edits: [{ start: end, end, newText: `${above.codes.length ? ',' : ''} ${finding.code}` }],
      };
    }
    const indent = /^[ \t]*/.exec(text.slice(start, text.indexOf('\n', start) + 1 || undefined))![0];
    eol ??= text.includes('\r\n') ? '\r\n' : '\n';
    return {
      title,
      edits: [
        { start, end: start, newText: `${indent}# policylens-disable-next-line ${finding.code}${eol}` },
      ],
    };
  };
}

/** Whether `offset` (on `line`) lies in a scalar that starts on an earlier line. */
function insideMultilineScalar(
  root: AstNode,
  offset: number,
  line: number,
  lines: Pick<LineIndex, 'positionAt'>,
): boolean {
  const { node, onKey } = nodeAt(root, offset);
  if (!node || onKey || node.type === 'object' || node.type === 'array') return false;
  return lines.positionAt(node.offset).line < line;
}
