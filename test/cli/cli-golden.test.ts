import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli';
import { cases, expectJson, expectText } from '../support/fixtures';

describe('CLI golden outputs (test/fixtures/cli)', () => {
  for (const c of cases('cli')) {
    it(c.name, () => {
      const args = JSON.parse(readFileSync(join(c.dir, 'args.json'), 'utf8')) as string[];
      const r = runCli(args);
      expectText(join(c.dir, 'stdout.txt'), r.stdout);
      expectText(join(c.dir, 'stderr.txt'), r.stderr);
      expectJson(join(c.dir, 'status.json'), { status: r.status });
    });
  }

  it('exit status follows the result: 0 valid, 1 invalid, 2 usage', () => {
    assert.equal(runCli(['lint', 'examples/policies']).status, 0);
    assert.equal(runCli(['lint', 'examples/broken']).status, 1);
    assert.equal(runCli(['lint', 'does/not/exist']).status, 2);
  });
});
