import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze, languageOf, ParsedDocument } from '../../server/src/core/index';

// Inputs too big to keep as fixture files are generated here; each must end in a finding, fast.
describe('bad input that is generated, not stored', () => {
  it('a 10 MB file is one finding, not an analysis', () => {
    const text = 'name: big\n' + `# ${'x'.repeat(100)}\n`.repeat(100_000);
    const a = analyze(text, { fileName: 'big.yaml' });
    assert.deepEqual(
      a.findings.map((f) => f.code),
      ['parse/too-large'],
    );
  });

  it('a valid file never builds the positioned tree (the fast path)', () => {
    const a = analyze(
      '{"name":"a","policyType":"expression","enforcementMode":"block","ruleDefinition":{"expression":"true"}}',
      {
        fileName: 'a.json',
      },
    );
    assert.equal(a.findings.length, 0);
    assert.equal(a.doc?.hasPositions, false);
  });

  it('a document gives up its fast parse once the positioned tree is built', () => {
    // An editor holds every open document: a YAML document kept its parser's events beside the
    // tree made from them (13 MB of heap over the 5,000 open bundles of the bench's corpus (g)).
    for (const [fileName, text] of [
      ['a.yaml', 'name: a\npolicyType: expression\nprerequisites: [b]\n'],
      ['a.json', '{"name":"a","prerequisites":["b"]}'],
    ]) {
      const doc = new ParsedDocument(text, languageOf(fileName));
      const held = () => doc as unknown as { fastTree?: unknown; fastTreeInSteps?: unknown };
      assert.equal(typeof held().fastTree, 'function', `${fileName}: fast parse kept until needed`);
      assert.equal(doc.root?.type, 'object');
      assert.equal(held().fastTree, undefined, `${fileName}: events dropped with the tree built`);
      assert.equal(held().fastTreeInSteps, undefined);
      assert.equal(doc.root?.type, 'object', `${fileName}: the tree stays`);
    }
  });

  it('a 20,000-line bundle with one error places it on the right line', () => {
    const lines = [
      'name: long',
      'policyType: injection_scan',
      'enforcementMode: block',
      'ruleDefinition:',
      '  patterns:',
    ];
    for (let i = 0; i < 20_000; i++) lines.push(`    - "pattern number ${i}"`);
    lines.push('  scan_input: "yes"');
    const a = analyze(lines.join('\n') + '\n', { fileName: 'long.yaml' });
    assert.equal(a.findings.length, 1);
    assert.equal(a.lines.positionAt(a.findings[0].span.start).line, 20_005);
  });

  it('deep nesting is a finding or a clean result, not a stack overflow', () => {
    const depth = 10_000;
    const text = '{"name":' + '['.repeat(depth) + ']'.repeat(depth) + '}';
    const a = analyze(text, { fileName: 'deep.json' });
    assert.ok(a.findings.length > 0);
  });
});
