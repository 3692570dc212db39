// `policylens chain` against the chain fixture workspaces: each case's `cli.txt` is the transcript
// of `policylens chain workspace` and of the extra argument lists in its `cli.json`, run from the
// case folder with the built CLI (stdout, stderr and the exit status of each run).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cases, expectText } from '../support/fixtures';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

function run(cwd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, 'chain', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 60_000,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
}

describe('policylens chain (test/fixtures/chain/*/cli.txt)', () => {
  for (const c of cases('chain')) {
    it(c.name, () => {
      const extra = existsSync(join(c.dir, 'cli.json'))
        ? (JSON.parse(readFileSync(join(c.dir, 'cli.json'), 'utf8')) as string[][])
        : [];
      const transcript = [['workspace'], ...extra.map((a) => ['workspace', ...a])].map((args) => {
        const r = run(c.dir, args);
        return `$ policylens chain ${args.join(' ')}\n${r.stdout}${r.stderr}[exit ${r.status}]\n`;
      });
      expectText(join(c.dir, 'cli.txt'), transcript.join('\n'));
    });
  }

  it('the JSON output is the report: every policy in order, with its links', () => {
    const r = run(join(__dirname, '..', 'fixtures', 'chain', 'seed-chain'), [
      'workspace',
      '--format',
      'json',
    ]);
    const report = JSON.parse(r.stdout) as { entries: { name: string; position: number }[]; broken: boolean };
    assert.deepEqual(
      report.entries.map((e) => `${e.position} ${e.name}`),
      ['1 pii-guard', '2 finance-cost-cap', '3 security-review'],
    );
    assert.equal(report.broken, false);
    assert.equal(r.status, 0);
  });

  it('orders a raw export as eval does, and as the bundles lint --fix makes of it', () => {
    // test/fixtures/fix/raw-export: three policies saved from the API, linked by their server ids.
    const fix = join(__dirname, '..', 'fixtures', 'fix', 'raw-export');
    const order = (dir: string) =>
      (
        JSON.parse(run(dir, ['policies', '--format', 'json']).stdout) as { entries: { name: string }[] }
      ).entries.map((e) => e.name);
    const exported = order(join(fix, 'input'));
    assert.deepEqual(exported, ['pii-guard', 'finance-cost-cap', 'security-review']);
    assert.deepEqual(order(join(fix, 'expected')), exported);
    const event = join(__dirname, '..', 'fixtures', 'eval', 'chain-exported-ids', 'event.json');
    const evaluated = spawnSync(
      process.execPath,
      [CLI, 'eval', 'policies', '--event', event, '--format', 'json'],
      {
        cwd: join(fix, 'input'),
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
        timeout: 60_000,
      },
    );
    const trace = (JSON.parse(evaluated.stdout) as { trace: { policy: string }[] }).trace;
    assert.deepEqual(
      trace.map((t) => t.policy),
      exported,
    );
  });

  it('defaults to the current directory and rejects a second path', () => {
    const dir = join(__dirname, '..', 'fixtures', 'chain', 'seed-chain', 'workspace');
    assert.match(run(dir, []).stdout, /^ORDER {2}NAME/);
    const two = run(dir, ['a', 'b']);
    assert.equal(two.status, 2);
    assert.match(two.stderr, /chain takes one path/);
  });

  it('a folder without an Execlave bundle is exit 2, and --help says so', () => {
    const dir = join(__dirname, '..', '..', 'examples', 'events');
    const r = run(dir, []);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^policylens chain: no Execlave bundle found in \./);
    const help = run(dir, ['--help']).stdout.replace(/\s+/g, ' ');
    assert.match(
      help,
      /Exit status: .* 2 on a usage error, a path argument that cannot be read, or a path with no Execlave bundle\./,
    );
  });
});
