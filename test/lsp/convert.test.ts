// The conversion of findings into LSP diagnostics (lsp/convert.ts): a related link that several
// findings share is converted once per line table, and converted again when its file's lines change.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex, type Finding, type RelatedInfo } from '../../server/src/core/index';
import { toDiagnostic } from '../../server/src/lsp/convert';

const OWN = new LineIndex('name: a\nprerequisites:\n  - b\n');
const OTHER_URI = 'file:///ws/b.yaml';

function finding(related: RelatedInfo[]): Finding {
  return {
    code: 'chain/cycle',
    severity: 'error',
    message: 'cycle: a → b → a',
    span: { start: 28, end: 29 },
    related,
  };
}

describe('related information of diagnostics', () => {
  it('is converted once for the findings that share a link, at its place in the other file', () => {
    const link: RelatedInfo = { uri: OTHER_URI, span: { start: 27, end: 28 }, message: 'b → a' };
    const otherLines = new LineIndex('name: b\nprerequisites:\n  - a\n');
    const linesOf = (uri: string) => (uri === OTHER_URI ? otherLines : undefined);
    const [one, two] = [finding([link]), finding([link])].map((f) => toDiagnostic(f, OWN, linesOf));
    const expected = {
      location: {
        uri: OTHER_URI,
        range: { start: { line: 2, character: 4 }, end: { line: 2, character: 5 } },
      },
      message: 'b → a',
    };
    assert.deepEqual(one.relatedInformation, [expected]);
    // A cycle through thousands of policies links each hop from a dozen findings: one object each.
    assert.equal(one.relatedInformation![0], two.relatedInformation![0]);
  });

  it('is converted again with a new line table, and points at 0:0 in a file it cannot read', () => {
    const link: RelatedInfo = { uri: OTHER_URI, span: { start: 27, end: 28 }, message: 'b → a' };
    const before = toDiagnostic(
      finding([link]),
      OWN,
      () => new LineIndex('name: b\nprerequisites:\n  - a\n'),
    );
    const after = toDiagnostic(
      finding([link]),
      OWN,
      () => new LineIndex('name: b\nprerequisites: [\n  a]\n'),
    );
    assert.deepEqual(before.relatedInformation![0].location.range.start, { line: 2, character: 4 });
    assert.deepEqual(after.relatedInformation![0].location.range.start, { line: 2, character: 2 });
    const unknown = toDiagnostic(finding([link]), OWN, () => undefined);
    assert.deepEqual(unknown.relatedInformation![0].location.range, {
      start: { line: 0, character: 0 },
      end: { line: 0, character: 0 },
    });
  });
});
