// Dialect fixtures: every folder of test/fixtures/dialects/lint/ holds one policy file and an
// expected.json with the dialect it is detected as and its findings (code, severity, message,
// range, and each quick-fix with its edits). UPDATE_FIXTURES=1 rewrites the expectations.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze, formatSpan, LineIndex, type Finding } from '../../server/src/core/index';

const ROOT = join(__dirname, '..', 'fixtures', 'dialects', 'lint');
const update = process.env.UPDATE_FIXTURES === '1';

function describeFix(lines: LineIndex, fix: NonNullable<Finding['fixes']>[number]) {
  return {
    title: fix.title,
    ...(fix.isPreferred ? { preferred: true } : {}),
    edits: fix.edits.map(
      (e) => `${formatSpan(lines, { start: e.start, end: e.end })} ${JSON.stringify(e.newText)}`,
    ),
  };
}

function applyEdits(text: string, edits: { start: number; end: number; newText: string }[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start))
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

for (const name of readdirSync(ROOT).sort()) {
  const dir = join(ROOT, name);
  const input = readdirSync(dir).find((f) => f !== 'expected.json');
  if (!input) continue;
  test(`dialects/${name}`, () => {
    const text = readFileSync(join(dir, input), 'utf8');
    const result = analyze(text, { fileName: input });
    const actual = {
      file: input,
      dialect: result.dialect.id,
      findings: result.findings.map((f) => ({
        range: formatSpan(result.lines, f.span),
        severity: f.severity,
        code: f.code,
        ...(f.path !== undefined ? { path: f.path } : {}),
        message: f.message,
        ...(f.fixes?.length ? { fixes: f.fixes.map((x) => describeFix(result.lines, x)) } : {}),
      })),
    };
    // Every fix must leave a document that still parses and no longer has the same finding at
    // the same place with the same message (a fix that changes nothing is a broken fix).
    for (const f of result.findings)
      for (const fix of f.fixes ?? []) {
        const fixed = applyEdits(text, fix.edits);
        assert.notEqual(fixed, text, `fix "${fix.title}" changes nothing`);
        const again = analyze(fixed, { fileName: input });
        assert.ok(
          !again.findings.some((g) => g.code.startsWith('yaml/') || g.code.startsWith('json/')),
          `fix "${fix.title}" of ${f.code} breaks the syntax:\n${fixed}`,
        );
      }
    const expectedFile = join(dir, 'expected.json');
    if (update) writeFileSync(expectedFile, JSON.stringify(actual, null, 2) + '\n');
    const expected = JSON.parse(readFileSync(expectedFile, 'utf8'));
    assert.deepEqual(actual, expected);
  });
}
