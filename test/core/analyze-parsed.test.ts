import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze, ParsedDocument } from '../../server/src/core/index';

// `analyze(text, { parsed })` takes a parse the caller already holds (the language server's
// workspace index): only a parse of this very text in this language may stand in for its own.
describe('analyze with a parse the caller holds', () => {
  const text =
    'name: a\npolicyType: expression\nenforcementMode: nope\nruleDefinition:\n  expression: "true"\n';
  const plain = (t: string, fileName = 'a.yaml') =>
    analyze(t, { fileName }).findings.map((f) => [f.code, f.span.start, f.span.end]);

  it('uses a parse of the same text, with the same findings', () => {
    const parsed = new ParsedDocument(text, 'yaml');
    const a = analyze(text, { fileName: 'a.yaml', parsed });
    assert.equal(a.doc, parsed);
    assert.deepEqual(
      a.findings.map((f) => [f.code, f.span.start, f.span.end]),
      plain(text),
    );
  });

  it('parses anew when the parse is of another text or language', () => {
    const edited = text.replace('nope', 'block');
    const stale = new ParsedDocument(text, 'yaml');
    const a = analyze(edited, { fileName: 'a.yaml', parsed: stale });
    assert.notEqual(a.doc, stale);
    assert.deepEqual(
      a.findings.map((f) => [f.code, f.span.start, f.span.end]),
      plain(edited),
    );
    const json = '{"name": "a", "policyType": "expression", "enforcementMode": "nope"}';
    const asYaml = new ParsedDocument(json, 'yaml');
    const b = analyze(json, { fileName: 'a.json', parsed: asYaml });
    assert.notEqual(b.doc, asYaml);
    assert.equal(b.doc?.language, 'json');
  });
});
