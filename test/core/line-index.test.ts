// Positions and offsets of a text (core/text.ts): a character past its line's end is the line's end,
// before its break (LSP: it "defaults back to the line length"), whatever the break; a byte order
// mark is no column of line 1. Found by field tests: a hover past the end of `name: a` answered for
// `policyType` on the next line, and a definition into a file with a mark pointed one column late.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { LineIndex } from '../../server/src/core/text';

it('clamps a character past the end of its line to the line end, before the break', () => {
  for (const eol of ['\n', '\r\n', '\r']) {
    const text = ['name: a', '', 'policyType: x'].join(eol);
    const lines = new LineIndex(text);
    assert.equal(lines.offsetAt({ line: 0, character: 50 }), 7, JSON.stringify(eol));
    assert.equal(
      lines.offsetAt({ line: 1, character: 3 }),
      7 + eol.length,
      `${JSON.stringify(eol)}: empty line`,
    );
    assert.equal(
      lines.offsetAt({ line: 2, character: 99 }),
      text.length,
      `${JSON.stringify(eol)}: last line`,
    );
    assert.deepEqual(lines.positionAt(lines.offsetAt({ line: 0, character: 50 })), { line: 0, character: 7 });
  }
});

it('starts line 1 after a byte order mark, both ways', () => {
  const lines = new LineIndex('\uFEFFname: a\nx: 1\n');
  assert.deepEqual(lines.positionAt(7), { line: 0, character: 6 });
  assert.equal(lines.offsetAt({ line: 0, character: 6 }), 7);
  assert.deepEqual(lines.positionAt(0), { line: 0, character: 0 }, 'the mark itself');
  assert.deepEqual(lines.positionAt(9), { line: 1, character: 0 });
});
