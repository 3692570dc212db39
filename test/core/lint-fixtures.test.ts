// Lint fixtures, one format and one runner: every folder of test/fixtures/lint/ and of
// test/fixtures/dialects/lint/ holds one policy file (`input.*`, or a name that matters to
// detection such as callguard.yaml) and an expected.json with the dialect it is detected as and
// its findings: code, severity, message, range, the text at the range, and each quick-fix with its
// edits and whether the re-linted file no longer has the finding. UPDATE_FIXTURES=1 rewrites them.
// A case for a cross-file finding puts the other bundles beside `input.*`: they are linted with it,
// as `lint <folder>` does, and the input's findings include the chain's (the others' are not
// recorded). test/lsp/diagnostics.test.ts checks that the server publishes the same findings.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  analyze,
  chainPolicyFromText,
  ChainIndex,
  compareFindings,
  fileChainFindings,
  formatSpan,
  type Finding,
  type LineIndex,
  type TextEdit,
} from '../../server/src/core/index';
import { readPolicyText } from '../../server/src/cli/files';
import { cases, expectJson } from '../support/fixtures';

/** Applies a fix's edits to the text, last first, so offsets stay valid. */
function apply(text: string, edits: readonly TextEdit[]): string {
  return [...edits]
    .sort((a, b) => b.start - a.start)
    .reduce((t, e) => t.slice(0, e.start) + e.newText + t.slice(e.end), text);
}

const edit = (lines: LineIndex, e: TextEdit) => `${formatSpan(lines, e)} ${JSON.stringify(e.newText)}`;

/**
 * The input's cross-file findings when the case has other bundles: `text` (the input's text, or a
 * fixed one) indexed with the others, as lint indexes the files it reads.
 */
function chainOf(dir: string, input: string, others: readonly string[], text: string): Finding[] {
  if (!others.length) return [];
  const index = new ChainIndex();
  index.scope = 'among the files linted';
  for (const [name, t] of [[input, text], ...others.map((o) => [o, readFileSync(join(dir, o), 'utf8')])]) {
    const p = chainPolicyFromText(name, t);
    if (p) index.set(p);
  }
  return fileChainFindings(index, input);
}

for (const area of ['lint', 'dialects/lint']) {
  describe(`lint fixtures (test/fixtures/${area})`, () => {
    for (const c of cases(area)) {
      it(c.name, () => {
        const files = readdirSync(c.dir).filter((f) => f !== 'expected.json');
        const input = files.find((f) => f.startsWith('input.')) ?? files[0];
        if (!input) throw new Error(`${c.dir} has no input file`);
        const others = input.startsWith('input.') ? files.filter((f) => f !== input) : [];
        const read = readPolicyText(join(c.dir, input));
        if (read.kind !== 'text') throw new Error(`${c.dir}: ${input} was refused (${read.kind})`);
        const { text, invalidEncoding } = read;
        const a = analyze(text, { fileName: input, invalidEncoding });
        const lint = (t: string, own: readonly Finding[]) =>
          [...own, ...chainOf(c.dir, input, others, t)].sort(compareFindings);
        expectJson(join(c.dir, 'expected.json'), {
          ...(input.startsWith('input.') ? {} : { file: input }),
          dialect: a.dialect.id,
          findings: lint(text, a.findings).map((f) => ({
            code: f.code,
            severity: f.severity,
            message: f.message,
            range: formatSpan(a.lines, f.span),
            text: text.slice(f.span.start, f.span.end),
            ...(f.path !== undefined ? { path: f.path } : {}),
            ...(f.fixes?.length
              ? {
                  fixes: f.fixes.map((x) => {
                    const fixed = apply(text, x.edits);
                    // A fix that changes nothing, or breaks the syntax, is a broken fix.
                    assert.notEqual(fixed, text, `fix "${x.title}" changes nothing`);
                    const again = { findings: lint(fixed, analyze(fixed, { fileName: input }).findings) };
                    if (!a.findings.some((g) => /^(yaml|json)\//.test(g.code)))
                      assert.ok(
                        !again.findings.some((g) => /^(yaml|json)\//.test(g.code)),
                        `fix "${x.title}" of ${f.code} breaks the syntax:\n${fixed}`,
                      );
                    return {
                      title: x.title,
                      ...(x.isPreferred ? { preferred: true } : {}),
                      edits: x.edits.map((e) => edit(a.lines, e)),
                      // The fixed file re-linted: each fix must remove the finding it was offered for.
                      resolves: !again.findings.some((g) => g.code === f.code && g.message === f.message),
                    };
                  }),
                }
              : {}),
          })),
        });
      });
    }
  });
}
