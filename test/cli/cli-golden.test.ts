import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli';
import { cases, expectJson, expectText } from '../support/fixtures';

/**
 * Each case folder: `args.json`, and optionally `env.json` (variables for the run; NO_COLOR is set
 * unless it says otherwise). An argument `$OUT` names a fresh file in a temporary folder; what the
 * run wrote there is compared with `output.txt`.
 */
describe('CLI golden outputs (test/fixtures/cli)', () => {
  for (const c of cases('cli')) {
    it(c.name, () => {
      const read = <T>(name: string, fallback: T): T =>
        existsSync(join(c.dir, name)) ? (JSON.parse(readFileSync(join(c.dir, name), 'utf8')) as T) : fallback;
      const tmp = mkdtempSync(join(tmpdir(), 'policylens-golden-'));
      try {
        const out = join(tmp, 'report');
        const args = read<string[]>('args.json', []).map((a) => (a === '$OUT' ? out : a));
        const r = runCli(args, read<Record<string, string>>('env.json', {}));
        expectText(join(c.dir, 'stdout.txt'), r.stdout);
        expectText(join(c.dir, 'stderr.txt'), r.stderr.split(tmp).join('$TMP'));
        expectJson(join(c.dir, 'status.json'), { status: r.status });
        if (args.includes(out) || existsSync(join(c.dir, 'output.txt')))
          expectText(join(c.dir, 'output.txt'), existsSync(out) ? readFileSync(out, 'utf8') : '(no file)\n');
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }

  it('exit status follows the result: 0 valid, 1 invalid, 2 usage', () => {
    assert.equal(runCli(['lint', 'examples/policies']).status, 0);
    assert.equal(runCli(['lint', 'examples/broken']).status, 1);
    assert.equal(runCli(['lint', 'does/not/exist']).status, 2);
  });
});
