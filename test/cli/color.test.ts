// When reports are coloured: the table in test/fixtures/color/cases.json is the convention of
// Node's tty.getColorDepth() and chalk, with the explicit flags on top (docs/decisions/cli-output.md).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { colorEnabled } from '../../server/src/cli/report/color';
import { FIXTURES } from '../support/fixtures';

interface Case {
  why: string;
  tty: boolean;
  flag?: boolean;
  env: Record<string, string>;
  color: boolean;
}

describe('colour: --color / --no-color, FORCE_COLOR, NO_COLOR, a terminal', () => {
  const table = JSON.parse(readFileSync(join(FIXTURES, 'color', 'cases.json'), 'utf8')) as Case[];
  for (const c of table)
    it(c.why, () => {
      assert.equal(colorEnabled({ isTTY: c.tty }, c.flag, c.env), c.color);
    });
});
