// Keys that are mappings or lists (`{a: 1}: x`, `? [a, b]`). The positioned tree named such a key
// with the yaml package's `String(node)`, which is JSON of JSON for a key inside a key: its length
// doubles at each level, so 30 unclosed braces (`{{{{…`, typed or pasted into any YAML file: a
// policy, a policy test, a policylens.config.yaml) threw "Invalid string length" after seconds and
// a gigabyte, and a few hundred killed the language server out of memory. The same keys made the
// package call `process.emitWarning` while building the value: a line on the standard error of the
// CLI and of the server. Sizes are checked, never times.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParsedDocument, readConfig, type AstNode } from '../../server/src/core/index';

/** The key of the first property of each mapping down the first property's value, outermost first. */
function keyOf(root: AstNode | null | undefined): string | undefined {
  return root?.type === 'object' ? root.properties[0]?.key.value : undefined;
}

describe('keys that are mappings or lists', () => {
  it('40 unclosed braces are a syntax error, not an exception or a depth finding', () => {
    // (Up to the depth bound, MAX_YAML_DEPTH in parse/depth.ts; past it, every process refuses the text.)
    for (const n of [40, 300]) {
      const text = '{'.repeat(n) + '\n';
      const doc = new ParsedDocument(text, 'yaml');
      assert.deepEqual([...new Set(doc.parseFindings.map((f) => f.code))], ['yaml/syntax'], `${n} braces`);
    }
  });

  it('a config of unclosed braces reports its syntax error', () => {
    const { problems } = readConfig('exclude: ' + '{'.repeat(40) + '\n');
    assert.ok(problems.length >= 1);
    assert.match(problems[0].message, /^YAML syntax error/);
  });

  it('a key nested 22 levels deep is named by its text as written', () => {
    // {{{…{a: 1}: 1}: 1 …}: 1}: the outer key holds 21 mappings, each the key of the next.
    const n = 22;
    const key = '{'.repeat(n) + 'a: 1' + '}: 1'.repeat(n - 1) + '}';
    const text = `${key}: x\n`;
    const doc = new ParsedDocument(text, 'yaml');
    const name = keyOf(doc.root);
    // Before: 8 million characters of escaped JSON for a 113-character key.
    assert.equal(name?.length, key.length);
    assert.equal(name, key);
    assert.deepEqual(doc.parseFindings, []);
  });

  it('a mapping as a key, and a list as a key, emit no process warning', async () => {
    const warnings: string[] = [];
    const listener = (w: Error) => warnings.push(w.message);
    process.on('warning', listener);
    try {
      const docs = ['? {a: 1}\n: x\n', '[1, 2]: x\n', 'name: p\nmetadata: {{a: 1}: 2}\n'].map(
        (t) => new ParsedDocument(t, 'yaml'),
      );
      assert.equal(keyOf(docs[0].root), '{a: 1}');
      assert.equal(keyOf(docs[1].root), '[1, 2]');
      assert.ok(docs.every((d) => d.value !== undefined));
      // Node emits warnings on a later tick.
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', listener);
    }
    assert.deepEqual(warnings, []);
  });
});
