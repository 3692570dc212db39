import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze, formatSpan } from '../../server/src/core/index';
import { readPolicyText } from '../../server/src/cli/files';
import { cases, expectJson } from '../support/fixtures';

/** Applies a fix's edits to the text, last first, so offsets stay valid. */
function apply(text: string, edits: { start: number; end: number; newText: string }[]): string {
  return [...edits]
    .sort((a, b) => b.start - a.start)
    .reduce((t, e) => t.slice(0, e.start) + e.newText + t.slice(e.end), text);
}

describe('lint fixtures (test/fixtures/lint)', () => {
  for (const c of cases('lint')) {
    it(c.name, () => {
      const input = readdirSync(c.dir).find((f) => f.startsWith('input.'));
      if (!input) throw new Error(`${c.dir} has no input file`);
      const read = readPolicyText(join(c.dir, input));
      if (read.kind !== 'text') throw new Error(`${c.dir}: ${input} was refused (${read.kind})`);
      const { text, invalidEncoding } = read;
      const a = analyze(text, { fileName: input, invalidEncoding });
      expectJson(join(c.dir, 'expected.json'), {
        dialect: a.dialect.id,
        findings: a.findings.map((f) => ({
          code: f.code,
          severity: f.severity,
          message: f.message,
          range: formatSpan(a.lines, f.span),
          text: text.slice(f.span.start, f.span.end),
          ...(f.fixes?.length
            ? {
                fixes: f.fixes.map((x) => ({
                  title: x.title,
                  ...(x.isPreferred ? { preferred: true } : {}),
                  // The fixed file re-linted: each fix must remove the finding it was offered for.
                  resolves: !analyze(apply(text, x.edits), { fileName: input }).findings.some(
                    (g) => g.code === f.code && g.message === f.message,
                  ),
                })),
              }
            : {}),
        })),
      });
    });
  }
});
