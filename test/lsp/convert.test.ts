// The conversion of findings into LSP diagnostics (lsp/convert.ts): a related link that several
// findings share is converted once per line table, and converted again when its file's lines change.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocuments } from 'vscode-languageserver';
import { LineIndex, type Finding, type RelatedInfo } from '../../server/src/core/index';
import { toDiagnostic } from '../../server/src/lsp/convert';
import { DocumentStore } from '../../server/src/lsp/documents';
import { FileMatcher, readSettings } from '../../server/src/lsp/settings';

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

  it('into a closed file, uses the line table its index keeps: converted once across publications', () => {
    // The chain links into files the editor has not opened. Their line table was made anew at each
    // question: a scan of the whole file per link and per publication, and a new table each time,
    // so the link was converted again at every publication.
    const none = { get: () => undefined, all: () => [] } as unknown as TextDocuments<TextDocument>;
    const store = new DocumentStore(none, new FileMatcher(readSettings({}), () => []), () => undefined);
    const kept = new LineIndex('name: b\nprerequisites:\n  - a\n');
    store.addLinesSource((uri) => (uri === OTHER_URI ? kept : undefined));
    const link: RelatedInfo = { uri: OTHER_URI, span: { start: 27, end: 28 }, message: 'b → a' };
    const linesOf = (uri: string) => store.linesOf(uri);
    const first = toDiagnostic(finding([link]), OWN, linesOf);
    const second = toDiagnostic(finding([link]), OWN, linesOf);
    assert.equal(store.linesOf(OTHER_URI), kept);
    assert.deepEqual(first.relatedInformation![0].location.range.start, { line: 2, character: 4 });
    assert.equal(second.relatedInformation![0], first.relatedInformation![0]);
  });
});
