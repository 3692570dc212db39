// Which files are policies (core/dialects/detect.ts): test/fixtures/detect/foreign/ holds files of
// other tools, in the shapes those tools write them, that must get no finding at all;
// test/fixtures/detect/near/ holds policies with typos, syntax errors and misplaced blocks that
// must still be recognised, as the dialect in expected.json, and flagged.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze, classify, formatSpan, ParsedDocument, languageOf } from '../../server/src/core/index';
import { expectJson, FIXTURES } from '../support/fixtures';
import { filesUnder } from '../support/tree';

const FOREIGN = join(FIXTURES, 'detect', 'foreign');
const NEAR = join(FIXTURES, 'detect', 'near');

describe('files of other tools are not policies', () => {
  const files = filesUnder(FOREIGN);
  it('has at least ten of them', () => assert.ok(files.length >= 10, files.join(', ')));
  for (const file of files) {
    it(file, () => {
      const text = readFileSync(join(FOREIGN, file), 'utf8');
      const a = analyze(text, { fileName: file, skip: 'unrecognized' });
      assert.ok(a.recognizedBy === undefined || a.recognizedBy === 'unsure', String(a.recognizedBy));
      assert.deepEqual(a.findings, []);
      // Under the editor's policy globs, an unsure file is analysed (a draft): a foreign file
      // there must be told apart by its content.
      const value = new ParsedDocument(text, languageOf(file)).value;
      if (file.startsWith('policies/')) assert.equal(classify(value, text, file), undefined);
    });
  }
});

describe('near-policies are recognised and flagged', () => {
  const actual: Record<string, unknown> = {};
  for (const file of filesUnder(NEAR).filter((f) => f !== 'expected.json')) {
    it(file, () => {
      const text = readFileSync(join(NEAR, file), 'utf8');
      const a = analyze(text, { fileName: file, skip: 'unrecognized' });
      assert.ok(a.recognizedBy && a.recognizedBy !== 'unsure', `${file} is recognised`);
      assert.ok(a.findings.length > 0, `${file} is flagged`);
      actual[file] = {
        recognizedBy: a.recognizedBy,
        dialect: a.dialect.id,
        findings: a.findings.map((f) => `${formatSpan(a.lines, f.span)} ${f.code}: ${f.message}`),
      };
    });
  }
  it('match test/fixtures/detect/near/expected.json', () => expectJson(join(NEAR, 'expected.json'), actual));
});
