// The README's console examples are real: every ```console block that runs `npx policylens` on the
// repository's own examples is run with the built CLI and compared with what the README shows. A `…`
// in the README stands for text left out (within a line, or a whole line). UPDATE_FIXTURES=1
// rewrites the blocks that leave nothing out, so the README cannot drift from the tool again.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli';
import { UPDATE } from '../support/fixtures';

const README = join(__dirname, '..', '..', 'README.md');
const BLOCK = /```console\n\$ npx policylens ([^\n]*)\n([\s\S]*?)```/g;

/** The README's text of a block as a pattern: `…` matches any text, even across lines. */
function shownPattern(shown: string): RegExp {
  const parts = shown.split('…').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[\\s\\S]*?')}$`);
}

function examples(text: string): { args: string[]; shown: string; index: number }[] {
  return [...text.matchAll(BLOCK)]
    .map((m) => ({ args: m[1].trim().split(/\s+/), shown: m[2], index: m.index + m[0].indexOf(m[2]) }))
    .filter((e) => e.args.some((a) => a.startsWith('examples/')));
}

describe('README console examples (checked against the built CLI)', () => {
  const text = readFileSync(README, 'utf8');
  const found = examples(text);

  it('has the examples this test is meant to keep honest', () => {
    const commands = found.map((e) => e.args.join(' '));
    for (const c of ['lint examples/policies', 'lint examples/broken', 'lint examples/mixed'])
      assert.ok(commands.includes(c), `README shows \`policylens ${c}\``);
  });

  for (const e of found) {
    it(`policylens ${e.args.join(' ')}`, () => {
      const actual = runCli(e.args).stdout;
      if (UPDATE && !e.shown.includes('…') && actual !== e.shown) {
        const now = readFileSync(README, 'utf8');
        const at = now.indexOf(e.shown);
        assert.ok(at >= 0, 'the block is still in the README');
        writeFileSync(README, now.slice(0, at) + actual + now.slice(at + e.shown.length));
        return;
      }
      assert.match(actual, shownPattern(e.shown), `README block at offset ${e.index}`);
    });
  }
});
